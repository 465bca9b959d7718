import type { Connector } from './types.ts';

/** Declares a connector: the one value its folder exports, listed once in `connectors/index.ts`. */
export function defineConnector<C, P>(connector: Connector<C, P>): Connector<C, P> {
  return Object.freeze(connector);
}
