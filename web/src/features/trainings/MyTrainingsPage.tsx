import { TrophyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, List, Pagination, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { trainingsApi, type MyTraining, type TrainingKind } from '../../api/trainings';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatTime, LabelTag } from '../projects/common';
import { kindText, trainingText as T } from './text';

const PAGE_SIZE = 20;
const KINDS: TrainingKind[] = ['offline', 'course', 'exam'];

/** /me/trainings: completed offline trainings, completed courses and passed exams. */
export function MyTrainingsPage() {
  const [kind, setKind] = useState<TrainingKind | ''>('');
  const [page, setPage] = useState(1);
  const list = useLoad(() => trainingsApi.mine({ kind: kind || undefined, page, pageSize: PAGE_SIZE }), [kind, page]);
  return (
    <Page
      title={
        <span>
          <TrophyOutlined /> {T.myTitle}
        </span>
      }
      docTitle={T.myTitle}
      width="medium"
      extra={<Link to="/trainings">{T.findMore}</Link>}
    >
      <div style={{ overflowX: 'auto', marginBottom: 12 }}>
        <Segmented
          value={kind}
          onChange={(v) => {
            setKind(v as TrainingKind | '');
            setPage(1);
          }}
          options={[{ value: '', label: T.allKinds }, ...KINDS.map((k) => ({ value: k, label: kindText[k]!.label }))]}
        />
      </div>
      {list.error ? (
        <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
      ) : (
        <List<MyTraining>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={T.noMine} /> }}
          renderItem={(t) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="my-training" data-kind={t.kind} data-id={t.trainingId}>
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} align="start">
                  <Link to={`/trainings/${encodeURIComponent(t.trainingId)}`} style={{ fontWeight: 600, minWidth: 0, overflowWrap: 'anywhere' }}>
                    {t.title}
                  </Link>
                  <span style={{ flex: 'none' }}>
                    <LabelTag map={kindText} value={t.kind} />
                  </span>
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {T.provider}：{t.provider.name}
                </Typography.Text>
                <Flex justify="space-between" gap={8}>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {T.completedOn} {formatTime(t.completedAt)}
                  </Typography.Text>
                  {t.score != null && (
                    <Typography.Text strong data-testid="my-training-score">
                      {T.score} {t.score}
                    </Typography.Text>
                  )}
                </Flex>
              </Flex>
            </Card>
          )}
        />
      )}
      {list.data && list.data.total > PAGE_SIZE && (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.data.total} onChange={setPage} />
        </Flex>
      )}
    </Page>
  );
}
