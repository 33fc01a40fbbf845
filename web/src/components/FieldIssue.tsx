// The message of one form field (the API's 422 for its loc, or a check made before sending),
// referenced by the field's aria-describedby and announced when it appears.
export function FieldIssue({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  );
}
