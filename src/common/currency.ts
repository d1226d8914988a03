/** ISO 4217 alphabetic codes: three upper-case letters (the allowed list is configuration). */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
