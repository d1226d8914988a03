// Compiles src/ and bench/servers/ to plain JavaScript in a temporary folder, so the servers under
// test run as in production: @swc-node/register in a child would add ~80 MiB to the RSS measured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Options, transformFile } from '@swc/core';

// The same transform as jest.config.js: decorator metadata is what TypeORM and type-graphql read.
const SWC: Options = {
  swcrc: false,
  configFile: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: false,
};

export interface Build {
  /** The folder the compiled tree is in. */
  readonly dir: string;
  /** Absolute path of the compiled `<relative>.ts`, e.g. `entry('bench/servers/bff.ts')`. */
  entry(relative: string): string;
  remove(): void;
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) return listTs(full);
    return item.name.endsWith('.ts') && !item.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Compiles the working tree as it is now: the run measures one consistent snapshot. */
export async function buildForChildren(root: string): Promise<Build> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bench-build-'));
  const remove = (): void => fs.rmSync(out, { recursive: true, force: true });
  try {
    const files = [...listTs(path.join(root, 'src')), ...listTs(path.join(root, 'bench', 'servers'))];
    await Promise.all(
      files.map(async (file) => {
        const { code } = await transformFile(file, { ...SWC, filename: file });
        const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, code);
      }),
    );
    // Bare imports resolve through this link to the project's own (single) copy of each package.
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  } catch (error) {
    remove();
    throw error;
  }
  return { dir: out, entry: (relative) => path.join(out, relative).replace(/\.ts$/, '.js'), remove };
}
