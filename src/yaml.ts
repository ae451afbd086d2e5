// The one YAML reader for user files (config, exceptions, mappings). YAML reads JSON too.
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { UsageError, errorName } from './errors.js';

/**
 * Parses YAML (or JSON, which YAML reads too). A syntax error names the file, the line and column
 * and what was wrong, never the text around it: the file may be a secret given by mistake.
 */
export const parseYamlText = (text: string, what: string): unknown => {
  try {
    return parseYaml(text, { prettyErrors: false, logLevel: 'error' });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      // Computed from the offset: yaml's own line/column come with a copy of the source line.
      const offset = Math.min(err.pos[0], text.length);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const col = offset - before.lastIndexOf('\n');
      const where = ` at line ${line}, column ${col}`;
      throw new UsageError(`${what} is not valid YAML or JSON${where}: ${yamlProblem(err.code)}`);
    }
    throw new UsageError(`${what} is not valid YAML or JSON: ${errorName(err)}`);
  }
};

/** yaml's error codes in words (its messages quote the source, so they are not used). */
const yamlProblem = (code: string): string =>
  ({
    ALIAS_PROPS: 'an alias with properties',
    BAD_ALIAS: 'a bad alias',
    BAD_DIRECTIVE: 'a bad directive',
    BAD_DQ_ESCAPE: 'a bad escape in a double-quoted string',
    BAD_INDENT: 'bad indentation',
    BAD_PROP_ORDER: 'anchor or tag in the wrong place',
    BAD_SCALAR_START: 'a value that cannot start with that character',
    BLOCK_AS_IMPLICIT_KEY: 'a block used as a key',
    BLOCK_IN_FLOW: 'a block inside a flow collection',
    DUPLICATE_KEY: 'a duplicate key',
    IMPOSSIBLE: 'an impossible structure',
    KEY_OVER_1024_CHARS: 'a key over 1024 characters',
    MISSING_CHAR: 'a missing character (an unclosed bracket or quote?)',
    MULTILINE_IMPLICIT_KEY: 'a key spanning lines',
    MULTIPLE_ANCHORS: 'more than one anchor',
    MULTIPLE_DOCS: 'more than one document',
    MULTIPLE_TAGS: 'more than one tag',
    TAB_AS_INDENT: 'a tab used for indentation',
    TAG_RESOLVE_FAILED: 'an unknown tag',
    UNEXPECTED_TOKEN: 'an unexpected token',
  })[code] ?? code;
