import { CheckCircleOutlined, LeftOutlined, ReadOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Popconfirm, Progress, Select, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { trainingsApi, type TrainingDetail } from '../../api/trainings';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatTime, LabelTag } from '../projects/common';
import { VolunteerOnly } from './common';
import { ExamPane } from './ExamPane';
import { kindText, trainingText as T } from './text';

/** /trainings/:id: one training; sign up (offline), read page by page (course) or take the exam. */
export function TrainingDetailPage() {
  const { id = '' } = useParams();
  const detail = useLoad(() => trainingsApi.detail(id), [id]);
  const t = detail.data;
  return (
    <Page
      title={
        <span>
          <ReadOutlined /> {t ? kindText[t.kind]!.label : T.listTitle}
        </span>
      }
      docTitle={t?.title ?? T.listTitle}
      width="medium"
      extra={<Link to="/trainings">{T.back}</Link>}
    >
      {detail.error ? (
        <Alert type="error" showIcon title={errorTitle(detail.error)} action={<Button onClick={detail.reload}>{commonText.retry}</Button>} />
      ) : !t ? (
        <Skeleton active />
      ) : (
        <Flex vertical gap={16}>
          <Flex vertical gap={4}>
            <Flex gap={8} align="start" justify="space-between">
              <Typography.Title level={4} style={{ margin: 0, overflowWrap: 'anywhere' }} data-testid="training-title">
                {t.title}
              </Typography.Title>
              <span style={{ flex: 'none' }}>
                <LabelTag map={kindText} value={t.kind} />
              </span>
            </Flex>
            <Typography.Text type="secondary">
              {T.provider}：{t.provider.name}
            </Typography.Text>
          </Flex>
          {t.description && (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{t.description}</Typography.Paragraph>
          )}
          {t.kind === 'offline' && <OfflinePane training={t} onChange={detail.reload} />}
          {t.kind === 'course' && <CoursePane training={t} onChange={detail.reload} />}
          {t.kind === 'exam' && <ExamPane training={t} onChange={detail.reload} />}
        </Flex>
      )}
    </Page>
  );
}

function OfflinePane({ training: t, onChange }: { training: TrainingDetail; onChange: () => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const started = !!t.startsAt && new Date(t.startsAt).getTime() <= Date.now();
  const mine = t.mine;
  const act = async (what: 'register' | 'cancel') => {
    setBusy(true);
    setFailure(null);
    try {
      if (what === 'register') await trainingsApi.register(t.id);
      else await trainingsApi.cancelRegistration(t.id);
      void message.success(what === 'register' ? T.signedUp : T.cancelled);
      onChange();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Flex vertical gap={12}>
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          { key: 'time', label: T.time, children: `${formatTime(t.startsAt)} – ${formatTime(t.endsAt)}` },
          { key: 'address', label: T.address, children: <span style={{ overflowWrap: 'anywhere' }}>{t.address}</span> },
          { key: 'quota', label: T.quota, children: <span data-testid="training-registered">{T.registered(t.registeredCount ?? 0, t.capacity ?? 0)}</span> },
        ]}
      />
      <ProblemAlert failure={failure} />
      <VolunteerOnly>
        {mine?.attended === true ? (
          <Alert type="success" showIcon title={T.attended} data-testid="training-attended" />
        ) : mine?.attended === false ? (
          <Alert type="warning" showIcon title={T.absent} />
        ) : mine?.registered ? (
          <Flex vertical gap={8}>
            <Alert type="success" showIcon title={T.youRegistered} data-testid="training-signed-up" />
            {!started && (
              <Popconfirm title={T.cancelConfirm} onConfirm={() => act('cancel')}>
                <Button block loading={busy}>
                  {T.cancelSignUp}
                </Button>
              </Popconfirm>
            )}
          </Flex>
        ) : started ? (
          <Alert type="info" showIcon title={T.started} />
        ) : (
          <Button type="primary" block loading={busy} onClick={() => act('register')} data-testid="training-sign-up">
            {T.signUp}
          </Button>
        )}
      </VolunteerOnly>
    </Flex>
  );
}

function CoursePane({ training: t, onChange }: { training: TrainingDetail; onChange: () => void }) {
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const total = t.pageCount ?? t.pages.length;
  const n = Math.min(Math.max(Number(params.get('page')) || 1, 1), Math.max(total, 1));
  const page = useLoad(() => trainingsApi.page(t.id, n), [t.id, n]);
  const [read, setRead] = useState<number[]>(t.mine?.pagesRead ?? []);
  const [completedAt, setCompletedAt] = useState<string | null>(t.mine?.completedAt ?? null);
  const volunteer = me?.type === 'volunteer';

  // Opening a page marks it read (only once the page itself has arrived, so a failed load is not counted).
  useEffect(() => {
    if (!volunteer || !page.data || page.data.n !== n) return;
    let live = true;
    trainingsApi.markRead(t.id, n).then(
      (p) => {
        if (!live) return;
        setRead(p.pagesRead);
        if (p.completed && !completedAt) {
          setCompletedAt(p.completedAt);
          onChange();
        }
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [page.data, volunteer]);

  const go = (to: number) => setParams(to === 1 ? {} : { page: String(to) }, { replace: false });
  const percent = total ? Math.round((read.length / total) * 100) : 0;
  return (
    <Flex vertical gap={12}>
      {volunteer ? (
        <Card size="small">
          <Typography.Text type="secondary">{T.progress}</Typography.Text>
          <div data-testid="course-progress" data-read={read.length} data-total={total}>
            <Progress percent={percent} format={() => `${read.length}/${total}`} status={completedAt ? 'success' : 'active'} />
          </div>
          {completedAt ? (
            <Typography.Text type="success" data-testid="course-completed">
              <CheckCircleOutlined /> {T.completedAt(formatTime(completedAt))}
            </Typography.Text>
          ) : (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {T.readHint}
            </Typography.Text>
          )}
        </Card>
      ) : (
        <VolunteerOnly>{null}</VolunteerOnly>
      )}
      {total > 1 && (
        <Select
          value={n}
          onChange={go}
          aria-label={T.contents}
          options={t.pages.map((p) => ({
            value: p.n,
            label: (
              <span>
                {p.n}. {p.title} {read.includes(p.n) && <Tag color="success">✓</Tag>}
              </span>
            ),
          }))}
        />
      )}
      <Card size="small" title={page.data?.title ?? ' '} data-testid="course-page" data-n={page.data?.n}>
        {page.error ? (
          <Alert type="error" showIcon title={errorTitle(page.error)} action={<Button onClick={page.reload}>{commonText.retry}</Button>} />
        ) : !page.data ? (
          <Skeleton active />
        ) : (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}>{page.data.body}</Typography.Paragraph>
        )}
      </Card>
      <Flex justify="space-between" align="center" gap={8}>
        <Button icon={<LeftOutlined />} disabled={n <= 1} onClick={() => go(n - 1)}>
          {T.prev}
        </Button>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {T.pageOf(n, total)}
        </Typography.Text>
        <Button type="primary" disabled={n >= total} onClick={() => go(n + 1)} data-testid="course-next">
          {T.next} <RightOutlined />
        </Button>
      </Flex>
    </Flex>
  );
}
