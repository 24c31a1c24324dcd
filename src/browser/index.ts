// corskit/browser: what a browser would do with a request, with no browser.
export type {
  EngineOptions,
  IncomingResponse,
  Outcome,
  OutgoingRequest,
  SimErrorCode,
  SimEvent,
  SimRequest,
  SimResult,
} from './engine.js';
export { pageOrigin, runFetch } from './engine.js';
export {
  type HeaderInit,
  parseScenario,
  type Scenario,
  ScenarioError,
  type ServerAnswer,
  toHeaderList,
} from './scenario.js';
export { BrowserSim, type BrowserSimOptions, type SimFetchInit, type Transport } from './sim.js';
export { type SimulateOptions, scenarioResponder, simulate } from './simulate.js';
export {
  describeNetworkError,
  type FetchHandler,
  fetchHandlerTransport,
  type HttpTransportOptions,
  httpTransport,
  type NodeHandler,
  nodeHandlerTransport,
} from './transports.js';
