/**
 * Who is calling. Until viewer authentication lands (JWT, see the open issue), every request acts
 * as one local user; the owner column is already written and checked on reads.
 */
import type { IncomingMessage } from 'node:http';
import type { Viewer } from '../graphql/context';

export const LOCAL_VIEWER: Viewer = Object.freeze({ id: 'local-user' });

export function resolveViewer(_req: IncomingMessage): Viewer {
  return LOCAL_VIEWER;
}
