/** The API documents, generated from the schemas of this package: OpenAPI components and the AsyncAPI document. */
export { apiExamples, exampleIds, exampleTimes } from "./api-examples";
export { apiSchemaName, apiSchemaRole, pathParameterSchemas, queryParameterSchemas, requestBodySchemas, responseBodySchemas } from "./api-schemas";
export type { ApiSchemaName, ParameterSchemaName, RequestBodyName, ResponseBodyName } from "./api-schemas";
export { buildAsyncApiDocument, type AsyncApiDocument } from "./asyncapi-document";
export { eventFlows, type EventConsumerFlow, type EventFlow } from "./event-flows";
export type { JsonSchema } from "./json-schema";
export { clientMessageExamples, eventDataExamples, serverMessageExamples } from "./message-examples";
export { openApiComponents, type OpenApiComponents, type OpenApiParameter } from "./openapi-components";
