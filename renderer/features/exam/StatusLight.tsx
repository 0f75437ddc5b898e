import { useCaptureStore } from '../capture/store';

/** A small, always-visible light: is Vigil recording, is everything clear, can the engine be reached. */
export function StatusLight() {
  // Each piece on its own, so the light re-renders when what it shows changes, not on every frame's answer.
  const notAnalysed = useCaptureStore((s) => s.session?.vision.available === false || s.last?.analysed === false);
  const warningCount = useCaptureStore((s) => s.warnings.length);
  const engineError = useCaptureStore((s) => s.engineError);
  const [tone, words] = engineError
    ? (['fail', 'Vigil is not responding'] as const)
    : warningCount > 0
      ? (['warn', `${warningCount} warning${warningCount === 1 ? '' : 's'} to read`] as const)
      : notAnalysed
        ? (['ok', 'Recording (video is not analysed on this computer)'] as const)
        : (['ok', 'Recording, all clear'] as const);
  return (
    <p className="status-light" role="status" aria-live="polite" data-testid="status-light" data-tone={tone}>
      <span className={`dot ${tone}`} aria-hidden="true" />
      {words}
    </p>
  );
}
