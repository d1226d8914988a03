/**
 * Custom scalars whose upstream definition lacks `@specifiedBy`: every scalar of the contract names
 * the document that defines its format, so a frontend developer (or a code generator) can follow
 * the link in Apollo Sandbox. SafeInt and JSONObject come from graphql-scalars with theirs already.
 */
import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

/** RFC 3339's `date-time` (section 5.6), the internet profile of ISO 8601. */
export const RFC_3339_DATE_TIME = 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6';

/** type-graphql's `Date` scalar (graphql-scalars' DateTimeISO), with its specification linked. */
export const DateTimeISO = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  description:
    `A date-time at UTC as a string, such as \`2007-12-03T10:15:30.000Z\`: the \`date-time\` format of RFC 3339 (${RFC_3339_DATE_TIME}), ` +
    'a profile of ISO 8601. Sent in that form; read in that form, with any UTC offset.',
  specifiedByURL: RFC_3339_DATE_TIME,
});
