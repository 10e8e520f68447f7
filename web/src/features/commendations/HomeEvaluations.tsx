import { Alert, Button, Card, Empty, Flex, List, Rate, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { evaluationsApi } from '../../api/commendations';
import type { VolunteerHome } from '../../api/projects';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatDate } from '../projects/common';
import { commendationText as T } from './text';

const FIRST = 3;

type Evaluations = VolunteerHome['evaluations'];

/**
 * Groups' evaluations of the volunteer, on the home page: the average and the newest few (from GET /me/home);
 * "show all" loads the rest.
 */
export function HomeEvaluations({ first, loading }: { first: Evaluations | undefined; loading: boolean }) {
  const [all, setAll] = useState(false);
  const more = useLoad<Evaluations | undefined>(() => (all ? evaluationsApi.mine({ pageSize: 100 }) : Promise.resolve(undefined)), [all]);
  const list = all ? more : { data: first, loading, error: undefined, reload: () => {} };
  const d = list.data;
  return (
    <Card
      size="small"
      title={T.evaluations}
      data-testid="home-evaluations"
      extra={
        d?.averageRating != null && (
          <span data-testid="home-evaluation-average" data-average={d.averageRating}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {T.average}{' '}
            </Typography.Text>
            <Typography.Text strong>{d.averageRating}</Typography.Text>
          </span>
        )
      }
    >
      {list.error ? (
        <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
      ) : (
        <List<Evaluations['items'][number]>
          loading={list.loading}
          dataSource={d?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.noEvaluations} /> }}
          renderItem={(e) => (
            <List.Item data-testid="home-evaluation" data-rating={e.rating} style={{ paddingInline: 0 }}>
              <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                <Flex justify="space-between" gap={8} align="center" wrap>
                  <Link to={`/projects/${encodeURIComponent(e.projectId)}`} style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                    {e.projectName}
                  </Link>
                  <Rate disabled value={e.rating} style={{ fontSize: 14, flex: 'none' }} />
                </Flex>
                {e.comment && <Typography.Text style={{ fontSize: 13, overflowWrap: 'anywhere' }}>{e.comment}</Typography.Text>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  <Link to={`/groups/${encodeURIComponent(e.groupId)}`}>{e.groupName}</Link> · {formatDate(e.updatedAt)}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
      {d && d.total > FIRST && (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setAll((v) => !v)}>
          {all ? T.collapse : T.showAll(d.total)}
        </Button>
      )}
    </Card>
  );
}
