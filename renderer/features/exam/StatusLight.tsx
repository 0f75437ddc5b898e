import { useCaptureStore } from '../capture/store';

/** A small, always-visible light: is Vigil recording, is everything clear, can the engine be reached. */
export function StatusLight() {
  const { last, warnings, engineError, session } = useCaptureStore();
  const [tone, words] = engineError
    ? (['fail', 'Vigil is not responding'] as const)
    : warnings.length > 0
      ? (['warn', `${warnings.length} warning${warnings.length === 1 ? '' : 's'} to read`] as const)
      : session?.vision.available === false || last?.analysed === false
        ? (['ok', 'Recording (video is not analysed on this computer)'] as const)
        : (['ok', 'Recording, all clear'] as const);
  return (
    <p className="status-light" role="status" aria-live="polite" data-testid="status-light" data-tone={tone}>
      <span className={`dot ${tone}`} aria-hidden="true" />
      {words}
    </p>
  );
}
