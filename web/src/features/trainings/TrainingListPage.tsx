import { ReadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Empty, Flex, List, Pagination, Segmented, Select, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { getSites } from '../../api/endpoints';
import { trainingsApi, type TrainingKind, type TrainingSummary } from '../../api/trainings';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatTime, LabelTag } from '../projects/common';
import { kindText, trainingText as T } from './text';

const PAGE_SIZE = 10;
const KINDS: TrainingKind[] = ['offline', 'course', 'exam'];

/** /trainings: offline trainings, online courses and exams, filtered by kind and site (kept in the address). */
export function TrainingListPage() {
  const [params, setParams] = useSearchParams();
  const kind = (KINDS as string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as TrainingKind) : undefined;
  const siteCode = params.get('siteCode') || undefined;
  const upcoming = params.get('upcoming') === '1';
  const page = Number(params.get('page')) || 1;
  const sites = useLoad(getSites, []);
  const list = useLoad(() => trainingsApi.list({ kind, siteCode, upcoming, page, pageSize: PAGE_SIZE }), [kind, siteCode, upcoming, page]);

  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  return (
    <Page
      title={
        <span>
          <ReadOutlined /> {T.listTitle}
        </span>
      }
      docTitle={T.listTitle}
      width="medium"
      extra={<Link to="/me/trainings">{T.myTrainings}</Link>}
    >
      <Flex vertical gap={12} data-testid="training-filters">
        <div style={{ overflowX: 'auto' }}>
          <Segmented
            value={kind ?? ''}
            onChange={(v) => set({ kind: String(v) || undefined })}
            options={[{ value: '', label: T.allKinds }, ...KINDS.map((k) => ({ value: k, label: <span data-testid={`kind-${k}`}>{kindText[k]!.label}</span> }))]}
          />
        </div>
        <Flex gap={8} wrap align="center">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={T.allSites}
            value={siteCode}
            onChange={(v?: string) => set({ siteCode: v })}
            options={(sites.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
            style={{ flex: '1 1 160px', minWidth: 0 }}
            aria-label={T.site}
          />
          {(kind === undefined || kind === 'offline') && (
            <Checkbox checked={upcoming} onChange={(e) => set({ upcoming: e.target.checked ? '1' : undefined })}>
              {T.upcoming}
            </Checkbox>
          )}
        </Flex>
      </Flex>

      <div style={{ marginTop: 16 }}>
        {list.error ? (
          <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
        ) : (
          <List<TrainingSummary>
            loading={list.loading}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <Empty description={T.noTrainings} /> }}
            renderItem={(t) => <TrainingCard training={t} />}
          />
        )}
        {list.data && list.data.total > PAGE_SIZE && (
          <Flex justify="center" style={{ marginTop: 12 }}>
            <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.data.total} onChange={(p) => set({ page: String(p) })} />
          </Flex>
        )}
      </div>
    </Page>
  );
}

function TrainingCard({ training: t }: { training: TrainingSummary }) {
  return (
    <Card size="small" style={{ marginBottom: 8 }} data-testid="training-card" data-kind={t.kind} data-id={t.id}>
      <Flex vertical gap={4}>
        <Flex justify="space-between" gap={8} align="start">
          <Link to={`/trainings/${encodeURIComponent(t.id)}`} style={{ fontWeight: 600, minWidth: 0, overflowWrap: 'anywhere' }} data-testid="training-link">
            {t.title}
          </Link>
          <span style={{ flex: 'none' }}>
            <LabelTag map={kindText} value={t.kind} />
          </span>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {T.provider}：{t.provider.name}
        </Typography.Text>
        {t.kind === 'offline' && (
          <>
            <Typography.Text style={{ fontSize: 13 }}>
              {formatTime(t.startsAt)} – {formatTime(t.endsAt)}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 13, overflowWrap: 'anywhere' }}>
              {t.address}
            </Typography.Text>
            {t.capacity != null && (
              <span>
                <Tag style={{ marginInlineEnd: 0 }}>{T.registered(t.registeredCount ?? 0, t.capacity)}</Tag>
              </span>
            )}
          </>
        )}
        {t.kind === 'course' && t.pageCount != null && (
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {T.pages(t.pageCount)}
          </Typography.Text>
        )}
        {t.kind === 'exam' && t.exam && (
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {T.examBrief(t.exam)}
          </Typography.Text>
        )}
      </Flex>
    </Card>
  );
}
