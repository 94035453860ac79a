import { ArgumentsHost, Catch, Logger, WsExceptionFilter } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { isStoreUnavailable } from '../redis/redis-connections';

export interface AckError {
  error: { code: string; message: string; details?: unknown };
}

export function ackError(e: DomainError): AckError {
  return {
    error:
      e.details === undefined
        ? { code: e.code, message: e.message }
        : { code: e.code, message: e.message, details: e.details },
  };
}

/**
 * Every failure of a live event answers through the client's ack as `{error: {code, message}}`,
 * with the domain codes of API §0. Unknown errors are logged once and answered generically.
 */
@Catch()
export class LiveExceptionFilter implements WsExceptionFilter {
  private readonly logger = new Logger('LiveGateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ack = host.getArgs().find((a): a is (r: AckError) => void => typeof a === 'function');
    let error: DomainError;
    if (exception instanceof DomainError) error = exception;
    else if (isStoreUnavailable(exception))
      error = new DomainError('STORE_UNAVAILABLE', 'The data store is unavailable; retry shortly.');
    else {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      error = new DomainError('INTERNAL', 'Internal error.');
    }
    ack?.(ackError(error));
  }
}
