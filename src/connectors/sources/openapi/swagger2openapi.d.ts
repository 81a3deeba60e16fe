// swagger2openapi ships no types; this is the one call we make.
declare module 'swagger2openapi' {
  export function convertObj(
    swagger: unknown,
    options: { patch?: boolean; warnOnly?: boolean },
  ): Promise<{ openapi: any }>;
  const _default: { convertObj: typeof convertObj };
  export default _default;
}
