/**
 * Argument validation for type-graphql (`validateFn`): texts are NFC-normalised first, then
 * class-validator's rules on the input classes, then the configurable payment policy. The first
 * broken rule becomes BAD_USER_INPUT naming the field; the input value is never echoed back.
 */
import { type ValidationError, validate } from 'class-validator';
import type { ValidatorFn } from 'type-graphql';
import { badInput } from '../common/errors';
import type { PaymentPolicy } from '../payments/core/payment-policy';
import { CreateRemotePaymentInput } from '../payments/api/payment.input';

export function createValidator(policy: PaymentPolicy): ValidatorFn {
  return async (argValue) => {
    if (argValue === null || typeof argValue !== 'object') return;
    if (argValue instanceof CreateRemotePaymentInput) {
      // One spelling per text: what is stored, hashed for idempotency and sent to Cashii is NFC, so
      // the limits are checked on that (NFC can make text longer: U+FB2C becomes 3 characters).
      if (typeof argValue.note === 'string') argValue.note = argValue.note.normalize('NFC');
      if (typeof argValue.orderId === 'string') argValue.orderId = argValue.orderId.normalize('NFC');
    }
    const errors = await validate(argValue as object, {
      forbidUnknownValues: false,
      skipMissingProperties: false,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) throw toInputError(errors[0]);
    if (argValue instanceof CreateRemotePaymentInput) {
      const broken = policy.check(argValue);
      if (broken) throw broken;
    }
  };
}

function toInputError(error: ValidationError) {
  const message = Object.values(error.constraints ?? {})[0] ?? `${error.property} is invalid`;
  return badInput(error.property, message);
}
