import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, FormOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Flex, List, Radio, Result, Skeleton, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { trainingsApi, type Attempt, type AttemptQuestion, type TrainingDetail } from '../../api/trainings';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { formatTime, LabelTag } from '../projects/common';
import { VolunteerOnly } from './common';
import { attemptStatusText, questionTypeText, trainingText as T } from './text';

type Answers = Record<string, number[]>;

/** Answers survive a page reload during the exam (kept per attempt in this tab only). */
const draftKey = (attemptId: string) => `zy-exam-${attemptId}`;
function loadDraft(attemptId: string): Answers {
  try {
    return JSON.parse(sessionStorage.getItem(draftKey(attemptId)) ?? '{}') as Answers;
  } catch {
    return {};
  }
}

/** The exam's rules, my attempts, and the exam itself once started. */
export function ExamPane({ training: t, onChange }: { training: TrainingDetail; onChange: () => void }) {
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  // Where the countdown ends on this device's clock (the server's clock may differ from the browser's).
  const [deadline, setDeadline] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const e = t.exam;
  const mine = t.mine;
  const open = mine?.attempts?.find((a) => a.status === 'open');
  const next = mine?.nextAttempt;

  const show = (a: Attempt, fresh: boolean) => {
    const left = new Date(a.expiresAt).getTime() - (fresh ? new Date(a.startedAt).getTime() : Date.now());
    const limit = (e?.timeLimitMinutes ?? 0) * 60_000;
    setDeadline(Date.now() + Math.max(0, limit ? Math.min(left, limit) : left));
    setAttempt(a);
  };

  const start = async () => {
    setBusy(true);
    setFailure(null);
    try {
      show(await trainingsApi.startAttempt(t.id), true);
    } catch (err) {
      // An attempt already open (another tab): carry on with it.
      const openId = err instanceof ApiError && err.code === 'ATTEMPT_OPEN' ? (err.problem as { attemptId?: string }).attemptId : undefined;
      if (openId) await resume(openId);
      else setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const resume = async (attemptId: string) => {
    setBusy(true);
    setFailure(null);
    try {
      show(await trainingsApi.attempt(attemptId), false);
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  if (attempt) {
    return attempt.status === 'open' ? (
      <ExamSheet attempt={attempt} deadline={deadline} onDone={(a) => { setAttempt(a); onChange(); }} />
    ) : (
      <ExamResult attempt={attempt} onBack={() => { setAttempt(null); onChange(); }} />
    );
  }

  const passed = !!mine?.completedAt || mine?.attempts?.some((a) => a.status === 'passed');
  const blocked = next && !next.allowed && next.code !== 'ATTEMPT_OPEN';
  return (
    <Flex vertical gap={12}>
      {e && (
        <Card size="small" title={T.rules}>
          <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="exam-rules">
            <li>{T.ruleQuestions(e.questionCount)}</li>
            <li>{T.ruleTime(e.timeLimitMinutes)}</li>
            <li>{T.rulePass(e.passMark)}</li>
            <li>{T.ruleAttempts(e.maxAttempts)}</li>
            <li>{T.ruleRetake(e.retakeAfterHours)}</li>
          </ul>
        </Card>
      )}
      <ProblemAlert failure={failure} />
      <VolunteerOnly>
        {passed ? (
          <Alert type="success" showIcon title={T.passedAlready} description={mine?.score != null ? `${T.score}：${mine.score}` : undefined} data-testid="exam-passed" />
        ) : open ? (
          <Button type="primary" block icon={<FormOutlined />} loading={busy} onClick={() => resume(open.id)} data-testid="exam-resume">
            {T.resume}
          </Button>
        ) : (
          <Flex vertical gap={8}>
            {blocked && (
              <Alert
                type="warning"
                showIcon
                title={T.notAllowed[next.code ?? ''] ?? T.notAllowed.MAX_ATTEMPTS_REACHED}
                description={next.at ? T.retakeAt(formatTime(next.at)) : undefined}
                data-testid="exam-blocked"
                data-code={next.code}
              />
            )}
            <Button type="primary" block icon={<FormOutlined />} loading={busy} disabled={!!blocked} onClick={start} data-testid="exam-start">
              {mine?.attempts?.length ? T.retake : T.start}
            </Button>
          </Flex>
        )}
      </VolunteerOnly>
      {!!mine?.attempts?.length && (
        <Card size="small" title={T.myAttempts}>
          <List
            dataSource={mine.attempts}
            renderItem={(a) => (
              <List.Item data-testid="exam-attempt" data-status={a.status} style={{ paddingInline: 0 }}>
                <Flex justify="space-between" gap={8} style={{ width: '100%' }} align="center">
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {formatTime(a.startedAt)}
                  </Typography.Text>
                  <Flex gap={8} align="center">
                    {a.score != null && (
                      <Typography.Text strong>
                        {a.score} {T.points}
                      </Typography.Text>
                    )}
                    {a.status === 'open' ? (
                      <Button size="small" onClick={() => resume(a.id)}>
                        {T.resume}
                      </Button>
                    ) : (
                      <Button size="small" type="link" onClick={() => resume(a.id)} style={{ padding: 0 }}>
                        <LabelTag map={attemptStatusText} value={a.status} />
                      </Button>
                    )}
                  </Flex>
                </Flex>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Flex>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');
const clockText = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  return h ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
};

function ExamSheet({ attempt, deadline, onDone }: { attempt: Attempt; deadline: number; onDone: (a: Attempt) => void }) {
  const { modal } = App.useApp();
  const [answers, setAnswers] = useState<Answers>(() => loadDraft(attempt.id));
  const [left, setLeft] = useState(() => deadline - Date.now());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const sent = useRef(false);
  const answersRef = useRef(answers);
  answersRef.current = answers;

  useEffect(() => {
    sessionStorage.setItem(draftKey(attempt.id), JSON.stringify(answers));
  }, [attempt.id, answers]);

  const submit = useCallback(async () => {
    if (sent.current) return;
    sent.current = true;
    setBusy(true);
    setFailure(null);
    try {
      const done = await trainingsApi.submit(attempt.id, answersRef.current);
      sessionStorage.removeItem(draftKey(attempt.id));
      onDone(done);
    } catch (err) {
      // Too late or already handed in: the attempt as the server now has it is the result.
      if (err instanceof ApiError && (err.code === 'ATTEMPT_EXPIRED' || err.code === 'ATTEMPT_CLOSED')) {
        try {
          sessionStorage.removeItem(draftKey(attempt.id));
          onDone(await trainingsApi.attempt(attempt.id));
          return;
        } catch {
          /* fall through to showing the problem */
        }
      }
      sent.current = false;
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  }, [attempt.id, onDone]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      const ms = deadline - Date.now();
      setLeft(ms);
      if (ms <= 0) {
        window.clearInterval(timer);
        void submit();
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [deadline, submit]);

  const answeredCount = attempt.questions.filter((q) => (answers[q.id] ?? []).length > 0).length;
  const total = attempt.questions.length;
  const confirmSubmit = () => {
    const missing = total - answeredCount;
    modal.confirm({
      title: T.submitConfirm,
      content: missing > 0 ? T.submitUnanswered(missing) : undefined,
      okText: T.submitOk,
      cancelText: T.keepGoing,
      okButtonProps: { 'data-testid': 'exam-submit-ok' },
      onOk: submit,
    });
  };
  const set = (q: AttemptQuestion, chosen: number[]) => setAnswers((a) => ({ ...a, [q.id]: chosen }));
  const urgent = left < 60_000;

  return (
    <Flex vertical gap={12} data-testid="exam-sheet" data-attempt-id={attempt.id}>
      <Card
        size="small"
        style={{ position: 'sticky', top: 64, zIndex: 5, borderColor: urgent ? '#ff4d4f' : undefined }}
        styles={{ body: { padding: '8px 12px' } }}
      >
        <Flex justify="space-between" align="center" gap={8}>
          <Typography.Text strong type={urgent ? 'danger' : undefined} data-testid="exam-countdown">
            <ClockCircleOutlined /> {T.timeLeft} {clockText(left)}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {T.answered(answeredCount, total)}
          </Typography.Text>
        </Flex>
      </Card>
      {left <= 0 && <Alert type="warning" showIcon title={T.timeUp} />}
      {attempt.questions.map((q, i) => (
        <Card size="small" key={q.id} data-testid="exam-question" data-type={q.type} data-question-id={q.id}>
          <Typography.Paragraph style={{ marginBottom: 8, overflowWrap: 'anywhere' }}>
            <Tag style={{ marginInlineEnd: 6 }}>{questionTypeText[q.type]}</Tag>
            {i + 1}. {q.text}
          </Typography.Paragraph>
          {q.type === 'multiple' ? (
            <Checkbox.Group value={answers[q.id] ?? []} onChange={(v) => set(q, (v as number[]).slice().sort((a, b) => a - b))} style={{ width: '100%' }}>
              <Flex vertical gap={6}>
                {q.options.map((o, k) => (
                  <Checkbox key={k} value={k} data-testid="exam-option" style={{ overflowWrap: 'anywhere' }}>
                    {String.fromCharCode(65 + k)}. {o}
                  </Checkbox>
                ))}
              </Flex>
            </Checkbox.Group>
          ) : (
            <Radio.Group value={answers[q.id]?.[0]} onChange={(ev) => set(q, [ev.target.value as number])} style={{ width: '100%' }}>
              <Flex vertical gap={6}>
                {q.options.map((o, k) => (
                  <Radio key={k} value={k} data-testid="exam-option" style={{ overflowWrap: 'anywhere' }}>
                    {q.type === 'true_false' ? o : `${String.fromCharCode(65 + k)}. ${o}`}
                  </Radio>
                ))}
              </Flex>
            </Radio.Group>
          )}
        </Card>
      ))}
      <ProblemAlert failure={failure} />
      <Button type="primary" size="large" block loading={busy} onClick={confirmSubmit} data-testid="exam-submit">
        {T.submit}
      </Button>
    </Flex>
  );
}

function ExamResult({ attempt: a, onBack }: { attempt: Attempt; onBack: () => void }) {
  if (!a.questions) return <Skeleton active />;
  const passed = a.passed === true;
  return (
    <Flex vertical gap={12} data-testid="exam-result" data-passed={String(passed)} data-score={a.score ?? ''}>
      <Result
        status={passed ? 'success' : 'error'}
        title={passed ? T.passed : a.status === 'expired' ? T.expired : T.failed}
        subTitle={
          <Flex vertical>
            <span data-testid="exam-score">{T.resultScore(a.score ?? 0, a.passMark)}</span>
            {a.correctCount != null && <span>{T.resultCorrect(a.correctCount, a.questionCount)}</span>}
          </Flex>
        }
        extra={<Button onClick={onBack}>{T.backToTraining}</Button>}
        style={{ padding: '16px 0' }}
      />
      {a.questions.map((q, i) => (
        <Card
          size="small"
          key={q.id}
          data-testid="result-question"
          data-correct={String(q.correct)}
          style={{ borderColor: q.correct ? '#b7eb8f' : '#ffa39e' }}
        >
          <Flex gap={8} align="start">
            {q.correct ? <CheckCircleFilled style={{ color: '#52c41a', marginTop: 4 }} /> : <CloseCircleFilled style={{ color: '#ff4d4f', marginTop: 4 }} />}
            <Flex vertical gap={4} style={{ minWidth: 0 }}>
              <Typography.Text style={{ overflowWrap: 'anywhere' }}>
                {i + 1}. {q.text}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {T.yourChoice}：
                {q.chosen?.length
                  ? q.chosen.map((k) => (q.type === 'true_false' ? q.options[k] : `${String.fromCharCode(65 + k)}. ${q.options[k] ?? ''}`)).join('；')
                  : T.noChoice}
              </Typography.Text>
              <Typography.Text type={q.correct ? 'success' : 'danger'} style={{ fontSize: 13 }}>
                {q.correct ? T.right : T.wrong}
              </Typography.Text>
            </Flex>
          </Flex>
        </Card>
      ))}
    </Flex>
  );
}
