/**
 * The error-code literals written in TypeScript sources, read with the compiler's parser (no module
 * is loaded, nothing is type-checked): every string literal given to a parameter or variable named
 * `code`/`...Code`, as a `code:` property, in a `code` type, or listed in a `..._ERROR_CODES` array
 * or set. A call's parameters are found by the callee's name among the functions, methods and
 * constructors the same files declare. What a file answers with but does not type as an ErrorCode
 * is then still checked against the one list.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const CODE_NAME = /^(code|\w+Code)$/;

export function tsFilesUnder(dir: string): string[] {
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

export interface CodeLiteral {
  code: string;
  /** `file:line`, relative to the working directory. */
  at: string;
}

/** For each function, method or class name declared in the files: the indexes of its parameters named as codes. */
function codeParameters(sources: ts.SourceFile[]): Map<string, Set<number>> {
  const byName = new Map<string, Set<number>>();
  const note = (name: string | undefined, parameters: ts.NodeArray<ts.ParameterDeclaration>): void => {
    if (name === undefined) return;
    parameters.forEach((parameter, index) => {
      if (!CODE_NAME.test(nameOf(parameter.name) ?? '')) return;
      if (!byName.has(name)) byName.set(name, new Set());
      byName.get(name)!.add(index);
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) note(nameOf(node.name), node.parameters);
    if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
    ) {
      note(nameOf(node.name), node.initializer.parameters);
    }
    if (ts.isConstructorDeclaration(node) && ts.isClassDeclaration(node.parent)) note(nameOf(node.parent.name), node.parameters);
    ts.forEachChild(node, visit);
  };
  sources.forEach(visit);
  return byName;
}

function calleeName(node: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The code-shaped literals the files write where a code goes. */
export function codeLiterals(files: string[]): CodeLiteral[] {
  const sources = files.map((file) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true));
  const parameters = codeParameters(sources);
  const found: CodeLiteral[] = [];
  for (const source of sources) {
    const add = (node: ts.Node, codes: string[]): void => {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      for (const code of codes) if (CODE.test(code)) found.push({ code, at: `${path.relative(process.cwd(), source.fileName)}:${line}` });
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
        const indexes = parameters.get(calleeName(node) ?? '');
        node.arguments.forEach((argument, index) => {
          if (indexes?.has(index)) add(argument, literalsIn(argument));
        });
      }
      if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && CODE_NAME.test(nameOf(node.name) ?? '')) {
        if (node.initializer) add(node, literalsIn(node.initializer));
        if (node.type) add(node, literalsIn(node.type));
      }
      if (ts.isPropertyAssignment(node) && nameOf(node.name) === 'code') add(node, literalsIn(node.initializer));
      if (ts.isPropertySignature(node) && nameOf(node.name) === 'code' && node.type) add(node, literalsIn(node.type));
      if (ts.isVariableDeclaration(node) && /ERROR_CODES$/.test(nameOf(node.name) ?? '') && node.initializer) {
        const listed = ts.isNewExpression(node.initializer) ? node.initializer.arguments?.[0] : node.initializer;
        if (listed && ts.isArrayLiteralExpression(listed)) add(node, listed.elements.flatMap(literalsIn));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
