import { z } from 'zod';
import { ACTION_ID_PATTERN, CONNECTOR_ID_PATTERN } from './schema.js';

export const connectorIdSchema = z
  .string()
  .regex(CONNECTOR_ID_PATTERN, 'must be a connector id such as "slack" (see list_connectors)');
export const actionIdSchema = z
  .string()
  .regex(ACTION_ID_PATTERN, 'must be an action id such as "chat_postMessage" (see get_connector_resources)');
