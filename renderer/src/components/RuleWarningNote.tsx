// A proxy warning about one field of a rule (an unknown model, drafts that keep coming back
// not_found), with the closest known model as a one-click fix.
import type { RuleWarning } from '../../../contracts/rule-checks';

export function RuleWarningNote({ warning, onFix }: { warning: RuleWarning; onFix: (suggestion: string) => void }) {
  return (
    <p className="note note-bad rule-warning" data-testid="rule-warning">
      {warning.message}
      {warning.suggestion ? (
        <>
          {' '}
          <button type="button" className="button-small" onClick={() => onFix(warning.suggestion!)}>
            Did you mean {warning.suggestion}?
          </button>
        </>
      ) : null}
    </p>
  );
}
