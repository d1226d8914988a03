/**
 * A GraphQL Code Generator plugin that writes `client/src/error-codes.ts`: the `ErrorCode` union of
 * every `extensions.code` the BFF can answer, and `isErrorCode`, read from the server's sources at
 * codegen time so that the client cannot fall behind the server without the staleness test failing:
 *   - the `ErrorCode` type of src/common/errors.ts (the codes of the BFF's own AppErrors);
 *   - in the edge (src/http/, src/graphql/), every string literal given as a code: to a parameter
 *     or variable named `code`/`...Code`, as a `code:` property, in a `code` type, or listed in a
 *     `..._ERROR_CODES` set (the HTTP layer's own answers and the codes passed through);
 *   - Apollo Server's own codes (`ApolloServerErrorCode`: GRAPHQL_PARSE_FAILED, BAD_USER_INPUT, ...).
 * It reads the sources with the TypeScript compiler (no module of the server is loaded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { CodegenPlugin, PluginFunction } from '@graphql-codegen/plugin-helpers';
import * as prettier from 'prettier';
import ts from 'typescript';

export interface ErrorCodesConfig {
  /** The file declaring `type ErrorCode = ...` (relative to the working directory). */
  errorCodeFile: string;
  /** Folders whose code literals are read (relative to the working directory). */
  edgeFolders: string[];
  /** Format the output with the prettier settings that apply to this path (relative to the working directory). */
  formatAs?: string;
}

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const CODE_NAME = /^(code|\w+Code)$/;

function tsFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return tsFilesUnder(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
    })
    .sort();
}

/** The string literals an expression or type can evaluate to (`a ?? (x ? 'A' : 'B')`, `'A' | 'B'`). */
function literalsIn(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isLiteralTypeNode(node)) return literalsIn(node.literal);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literalsIn);
  if (ts.isParenthesizedExpression(node)) return literalsIn(node.expression);
  if (ts.isParenthesizedTypeNode(node)) return literalsIn(node.type);
  if (ts.isConditionalExpression(node)) return [...literalsIn(node.whenTrue), ...literalsIn(node.whenFalse)];
  if (ts.isBinaryExpression(node)) return [...literalsIn(node.left), ...literalsIn(node.right)];
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalsIn(node.expression);
  return [];
}

function nameOf(node: ts.Node | undefined): string | undefined {
  return node && (ts.isIdentifier(node) || ts.isStringLiteral(node)) ? node.text : undefined;
}

/** The literals of `type ErrorCode = 'A' | 'B' | ...`. */
function errorCodeUnion(file: ts.SourceFile): string[] {
  const alias = file.statements.find(
    (statement): statement is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(statement) && statement.name.text === 'ErrorCode',
  );
  if (!alias) throw new Error(`error-codes: no \`type ErrorCode\` in ${file.fileName}`);
  return literalsIn(alias.type);
}

/** The code literals of the edge's files: arguments, variables, properties and types named as codes. */
function edgeCodes(program: ts.Program, files: string[]): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const signature = checker.getResolvedSignature(node);
      node.arguments.forEach((argument, index) => {
        const parameter = signature?.parameters[index];
        if (parameter && CODE_NAME.test(parameter.name)) found.push(...literalsIn(argument));
      });
    }
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && CODE_NAME.test(nameOf(node.name) ?? '')) {
      if (node.initializer) found.push(...literalsIn(node.initializer));
      if (node.type) found.push(...literalsIn(node.type));
    }
    if (ts.isPropertyAssignment(node) && nameOf(node.name) === 'code') found.push(...literalsIn(node.initializer));
    if (ts.isPropertySignature(node) && nameOf(node.name) === 'code' && node.type) found.push(...literalsIn(node.type));
    if (ts.isVariableDeclaration(node) && /ERROR_CODES$/.test(nameOf(node.name) ?? '') && node.initializer) {
      const listed = ts.isNewExpression(node.initializer) ? node.initializer.arguments?.[0] : node.initializer;
      if (listed && ts.isArrayLiteralExpression(listed)) found.push(...listed.elements.flatMap(literalsIn));
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(program.getSourceFile(file)!);
  return found;
}

/** Every code the server answers, sorted, from the sources named in the config. */
export function serverErrorCodes(config: ErrorCodesConfig): string[] {
  const errorCodeFile = path.resolve(config.errorCodeFile);
  const edgeFiles = config.edgeFolders.flatMap((folder) => tsFilesUnder(path.resolve(folder)));
  const program = ts.createProgram([errorCodeFile, ...edgeFiles], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    experimentalDecorators: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const codes = [
    ...errorCodeUnion(program.getSourceFile(errorCodeFile)!),
    ...edgeCodes(program, edgeFiles),
    ...Object.values(ApolloServerErrorCode),
  ];
  return [...new Set(codes.filter((code) => CODE.test(code)))].sort();
}

export const plugin: PluginFunction<ErrorCodesConfig, string> = async (_schema, _documents, config) => {
  const codes = serverErrorCodes(config);
  const code = `// Generated by client/codegen/error-codes.ts from the server's sources (${config.errorCodeFile}, ${config.edgeFolders.join(', ')}) and Apollo Server's codes: run \`npm run codegen\`, do not edit.

/** Every \`extensions.code\` the BFF answers with, in a GraphQL error or an HTTP-layer refusal. */
export const ERROR_CODES = [${codes.map((value) => `'${value}'`).join(', ')}] as const;

/** A code the BFF answers with (\`errors[i].extensions.code\`). */
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<unknown> = new Set(ERROR_CODES);

/** Whether a value (e.g. \`error.extensions?.code\`) is one of the BFF's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return KNOWN.has(value);
}

/** The code of a GraphQL error as a response or Apollo Client carries it, or null when it has none the BFF knows. */
export function errorCodeOf(error: { extensions?: Record<string, unknown> | null } | null | undefined): ErrorCode | null {
  const value = error?.extensions?.code;
  return isErrorCode(value) ? value : null;
}
`;
  if (!config.formatAs) return code;
  const filepath = path.resolve(config.formatAs);
  const options = await prettier.resolveConfig(filepath);
  return prettier.format(code, { ...options, filepath });
};

const errorCodes: CodegenPlugin<ErrorCodesConfig> = { plugin };
export default errorCodes;
