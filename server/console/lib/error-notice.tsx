/** A screen's error, announced at once (role alert); nothing when there is none. */
export function ErrorNotice({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="notice fail" role="alert">
      {error}
    </p>
  );
}
