import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { validateSync, ValidatorOptions } from 'class-validator';
import { DomainError, ErrorDetail } from './domain-error';

/** Ids of API §0; the server alone builds keys and hash tags from them. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const ID_MESSAGE = 'must match ^[A-Za-z0-9_.-]{1,64}$';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Deepest nesting of objects and arrays an input may have (a board's score metadata is flat, an
 * activity's `data` is the deepest). class-transformer recurses once per level: a 16 KiB body of
 * nested arrays overflowed the stack (500), and 4 KiB on /live did too.
 */
export const MAX_INPUT_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `MAX_INPUT_DEPTH` deep (bounded recursion). */
function tooDeep(value: unknown, depth = 1): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_INPUT_DEPTH) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (tooDeep(child, depth + 1)) return true;
  }
  return false;
}

export function validationError(details: ErrorDetail[]): DomainError {
  const summary = details
    .slice(0, 3)
    .map((d) => d.reason)
    .join('; ');
  return new DomainError('VALIDATION_FAILED', summary || 'request is invalid', details);
}

/**
 * The one ValidationPipe (STYLE): whitelist + forbid unknown fields + transform, answering
 * VALIDATION_FAILED with field/reason details. Bodies must be JSON objects, never arrays.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationError(flatten(errors)),
    });
  }

  /**
   * Synchronous validation: every rule is synchronous, and the async path costs ~15 µs per DTO in
   * promise machinery on each request (three DTOs on a submission). An async validator would be
   * ignored here: don't add one without changing this.
   */
  protected override validate(object: object, options?: ValidatorOptions): ValidationError[] {
    return validateSync(object, options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw validationError([{ field: 'body', reason: 'body must be a JSON object' }]);
      }
    }
    // Not 'custom': on the gateway the socket itself is a parameter too.
    if (metadata.type !== 'custom' && tooDeep(value)) {
      const reason = `must not nest objects or arrays more than ${MAX_INPUT_DEPTH} levels deep`;
      throw validationError([{ field: 'body', reason }]);
    }
    return super.transform(value, metadata);
  }
}
