import { TrophyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, List, Pagination, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { commendationsApi, type MyCommendation } from '../../api/commendations';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, LabelTag } from '../projects/common';
import { commendationText as T, levelText } from './text';

const PAGE_SIZE = 20;

/** /me/commendations: commendations in force, newest first (seed 002 §2.1.6.8). */
export function MyCommendationsPage() {
  const [page, setPage] = useState(1);
  const list = useLoad(() => commendationsApi.mine({ page, pageSize: PAGE_SIZE }), [page]);
  return (
    <Page
      title={
        <span>
          <TrophyOutlined /> {T.title}
        </span>
      }
      docTitle={T.title}
      width="medium"
    >
      {list.error ? (
        <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
      ) : (
        <List<MyCommendation>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={T.none} /> }}
          renderItem={(c) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="my-commendation" data-level={c.level}>
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} align="start">
                  <Typography.Text strong style={{ fontSize: 15, minWidth: 0, overflowWrap: 'anywhere' }}>
                    <TrophyOutlined style={{ color: '#faad14' }} /> {c.title}
                  </Typography.Text>
                  <span style={{ flex: 'none' }}>
                    <LabelTag map={levelText} value={c.level} />
                  </span>
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {T.grantedBy}：<Link to={`/groups/${encodeURIComponent(c.groupId)}`}>{c.groupName}</Link>
                  {c.grantedAs !== 'group' && T.authority}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {T.grantedOn}：{c.grantedOn}
                </Typography.Text>
                {c.note && (
                  <Typography.Text style={{ fontSize: 13, overflowWrap: 'anywhere' }}>
                    {T.note}：{c.note}
                  </Typography.Text>
                )}
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
