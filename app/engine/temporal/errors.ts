/**
 * Bad training data or a bad model folder: what is wrong (`thing`, usually a path) and why (`problem`), so the
 * CLI can print its one line `vigil: <thing>: <problem>` without parsing messages.
 */
export class TemporalDataError extends Error {
  constructor(
    readonly thing: string,
    readonly problem: string,
  ) {
    super(`${thing}: ${problem}`);
    this.name = 'TemporalDataError';
  }
}
