import { Alert } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { ApiError, errorTitle } from '../api/client';
import { commonText } from './text';
import { useCountdown } from './useCountdown';

/** What went wrong, as shown to the person. */
export interface Failure {
  title: string;
  code: string;
  status: number;
  /** Seconds to wait (429). */
  retryAfter?: number;
}

export function toFailure(err: unknown): Failure {
  if (err instanceof ApiError) {
    return { title: err.problem.title, code: err.code, status: err.status, retryAfter: err.problem.retryAfter };
  }
  return { title: errorTitle(err), code: '', status: 0 };
}

interface Props {
  failure: Failure | null;
  /** More to say under the title (e.g. where else to turn). */
  description?: ReactNode;
  /** Told the seconds still to wait, so a submit button can stay disabled. */
  onWait?: (seconds: number) => void;
}

/** The server's Chinese title; for 429 also a live "请在 N 秒后重试". */
export function ProblemAlert({ failure, description, onWait }: Props) {
  const [wait, startWait] = useCountdown();
  useEffect(() => {
    startWait(failure?.retryAfter ?? 0);
  }, [failure, startWait]);
  useEffect(() => {
    onWait?.(wait);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wait]);
  if (!failure) return null;
  const waiting = wait > 0 ? commonText.retryAfter(wait) : null;
  return (
    <Alert
      type={failure.status === 429 ? 'warning' : 'error'}
      showIcon
      role="alert"
      data-testid="problem"
      data-code={failure.code}
      title={failure.title}
      description={
        waiting || description ? (
          <>
            {waiting && <div>{waiting}</div>}
            {description}
          </>
        ) : undefined
      }
      style={{ marginBottom: 16 }}
    />
  );
}
