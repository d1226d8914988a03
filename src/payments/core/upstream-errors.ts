/**
 * Cashii's failures in the payments module's own words: the adapter's typed errors (cashii/errors.ts)
 * become coded AppErrors here, so the GraphQL edge only formats what the module throws. A refused
 * API key is a configuration fault: logged loudly, while the client only hears that the payment
 * service is unavailable.
 */
import {
  CashiiAuthenticationError,
  CashiiError,
  CashiiInvalidRequestError,
  CashiiNotFoundError,
  CashiiPermissionError,
} from '../../cashii';
import { AppError, upstreamUnavailable } from '../../common/errors';
import type { Logger } from '../../logger';

/** The coded error for a Cashii failure; anything else is returned as it is. */
export function paymentErrorOf(error: unknown, log: Logger): unknown {
  if (!(error instanceof CashiiError)) return error;
  let coded: AppError;
  if (error instanceof CashiiAuthenticationError || error instanceof CashiiPermissionError) {
    log.error({ kind: error.kind, httpStatus: error.httpStatus }, 'Cashii refused our API key: check CASHII_API_KEY and its permissions');
    coded = upstreamUnavailable(false, 'The payment service is unavailable');
  } else if (error instanceof CashiiInvalidRequestError || error instanceof CashiiNotFoundError) {
    coded = new AppError('UPSTREAM_REJECTED', 'The payment service refused this request', { retryable: false });
  } else {
    coded = upstreamUnavailable(error.retryable);
  }
  coded.cause = error;
  return coded;
}
