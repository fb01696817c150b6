export { type ConnectorEnd, type ConnectorEndReason } from "./access-watch";
export { startConnector, type Connector } from "./connector";
export { type ConnectorLogger, type ConnectorOptions } from "./connector-options";
