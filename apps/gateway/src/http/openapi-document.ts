import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { contractSchemas } from './openapi-schemas';

/**
 * The OpenAPI document, generated from the controllers' decorators, with the request bodies' schemas generated from
 * the zod contracts the NATS handlers validate with (so the document cannot drift from the validation).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('sched HTTP API')
    .setDescription(
      'An HTTP gateway onto the NATS commands and queries of sched: the same validation, the same replies ' +
        '(`{ok:true,result}` / `{ok:false,error:{code,message,details}}`), error codes mapped to HTTP statuses. ' +
        'With SCHED_API_TOKEN set, send `Authorization: Bearer <token>`.',
    )
    .setVersion('1')
    // An opaque shared secret (SCHED_API_TOKEN), not a JWT (the builder's default bearerFormat).
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'SCHED_API_TOKEN, sent as it is' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...contractSchemas() } } as OpenAPIObject['components'];
  return document;
}
