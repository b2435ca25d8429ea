// How every list names a request's models: requested → answering. A failed request was answered
// by no model, so only the one asked for is named.
import type { DecisionRecord } from '../../../contracts/decision';

export function ModelPath({ record }: { record: Pick<DecisionRecord, 'decision' | 'requestedModel' | 'answeringModel'> }) {
  const other = record.decision !== 'failed' && record.answeringModel !== record.requestedModel;
  return (
    <span className="model-path" title={other ? `${record.requestedModel} → ${record.answeringModel}` : record.requestedModel}>
      <code>{record.requestedModel}</code>
      {other ? (
        <>
          {' '}
          <span className="answered-by">
            → <code>{record.answeringModel}</code>
          </span>
        </>
      ) : null}
    </span>
  );
}
