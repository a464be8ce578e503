import { z } from 'zod';
import {
  backfillTaskPayloadSchema,
  cancelExecutionPayloadSchema,
  commandBase,
  createTaskPayloadSchema,
  deleteTaskPayloadSchema,
  triggerTaskPayloadSchema,
  disableTaskPayloadSchema,
  nextFiresQuerySchema,
  pauseTaskPayloadSchema,
  updateTaskPayloadSchema,
} from '@sched/contracts';

type JsonSchema = Record<string, unknown>;

/** The input side of a zod contract as an OpenAPI 3.0 schema: the very schemas the handlers validate with. */
function inputSchema(schema: z.ZodType, omit: readonly string[] = []): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  delete json.$schema;
  if (omit.length === 0) return json;
  // Ids that travel in the path are not part of the body.
  const properties = { ...(json.properties as Record<string, unknown>) };
  for (const field of omit) delete properties[field];
  const { required: allRequired, ...rest } = json as { required?: string[] };
  const required = (allRequired ?? []).filter((field) => !omit.includes(field));
  return { ...rest, properties, ...(required.length ? { required } : {}) };
}

const errorBody: JsonSchema = {
  type: 'object',
  required: ['ok', 'error'],
  properties: {
    ok: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: {
          type: 'string',
          enum: ['BAD_REQUEST', 'VALIDATION', 'NOT_FOUND', 'CONFLICT', 'INVALID_STATE', 'UNAVAILABLE', 'INTERNAL', 'UNAUTHORIZED', 'FORBIDDEN'],
        },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** Component schemas added to the generated document; routes refer to them by name (see `schemaRef`). */
export function contractSchemas(): Record<string, JsonSchema> {
  return {
    CreateTaskInput: inputSchema(createTaskPayloadSchema),
    UpdateTaskInput: inputSchema(updateTaskPayloadSchema, ['taskId']),
    PauseTaskInput: inputSchema(pauseTaskPayloadSchema, ['taskId']),
    DeleteTaskInput: inputSchema(deleteTaskPayloadSchema, ['taskId']),
    TriggerTaskInput: inputSchema(triggerTaskPayloadSchema, ['taskId']),
    BackfillTaskInput: inputSchema(backfillTaskPayloadSchema, ['taskId']),
    ReasonInput: inputSchema(disableTaskPayloadSchema, ['taskId']),
    CommandInput: inputSchema(z.object(commandBase).strict()),
    CancelExecutionInput: inputSchema(cancelExecutionPayloadSchema, ['executionId']),
    NextFiresPreviewInput: inputSchema(nextFiresQuerySchema, ['taskId']),
    ErrorReply: errorBody,
    OkReply: {
      type: 'object',
      required: ['ok', 'result'],
      properties: { ok: { type: 'boolean', enum: [true] }, result: { description: 'the NATS reply\'s result' } },
    },
  };
}

export type ContractSchemaName = keyof ReturnType<typeof contractSchemas>;

export const schemaRef = (name: ContractSchemaName): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
