/**
 * README's configuration table and `.env.example` list exactly the keys of the config schema: a key
 * added to the schema fails here until both name it, and a key they name that the BFF does not read
 * (renamed, misspelled) fails too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { envSchema, SETTING_KEYS } from '../../src/config';
import { looksLikeSetting } from '../../src/config/unknown-settings';
import { markdownTables as tables } from '../support/markdown';

const ROOT = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const envExample = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');

const namesIn = (cell: string): string[] => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]);

/** README's "## Configuration" section, up to the next section. */
function configurationSection(): string {
  const start = readme.indexOf('\n## Configuration\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** A README row to paste for a key the table lacks: its default as the schema parses an unset variable, and its description. */
function suggestedRow(key: string): string {
  const schema = envSchema.shape[key as keyof typeof envSchema.shape];
  const fallback: unknown = schema.parse(undefined);
  const shown = fallback === undefined ? 'unset (see meaning)' : JSON.stringify(fallback).replace(/^"|"$/g, '');
  return `| \`${key}\` | \`${shown}\` | ${schema.description} |`;
}

describe('configuration documentation', () => {
  it('gives every key a one-line description', () => {
    const undescribed = SETTING_KEYS.filter((key) => {
      const description = envSchema.shape[key as keyof typeof envSchema.shape].description;
      return description === undefined || description.trim() === '' || description.includes('\n');
    });
    expect(undescribed).toEqual([]);
  });

  it("lists every key in README's configuration table, and only keys that exist", () => {
    const listed = new Set(tables(configurationSection()).flatMap((rows) => rows.slice(1).flatMap((cells) => namesIn(cells[0]))));
    expect(SETTING_KEYS.filter((key) => !listed.has(key)).map(suggestedRow)).toEqual([]);
    expect([...listed].filter((name) => !SETTING_KEYS.includes(name))).toEqual([]);
  });

  it('names only existing keys in the setting column of any README table', () => {
    const named = tables(readme).flatMap((rows) => {
      const column = rows[0].findIndex((heading) => ['variable', 'setting'].includes(heading.toLowerCase()));
      return column === -1 ? [] : rows.slice(1).flatMap((cells) => namesIn(cells[column] ?? ''));
    });
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => looksLikeSetting(name, SETTING_KEYS) && !SETTING_KEYS.includes(name))).toEqual([]);
  });

  it('lists every key in .env.example, and only keys that exist', () => {
    const assigned = [...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(
      SETTING_KEYS.filter((key) => !assigned.includes(key)).map(
        (key) => `${key}=  # ${envSchema.shape[key as keyof typeof envSchema.shape].description}`,
      ),
    ).toEqual([]);
    expect(assigned.filter((name) => !SETTING_KEYS.includes(name))).toEqual([]);
    expect(assigned.filter((name, index) => assigned.indexOf(name) !== index)).toEqual([]);
  });
});
