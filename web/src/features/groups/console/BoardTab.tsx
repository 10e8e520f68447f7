import { Alert, App, Button, Empty, Flex, List, Pagination, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorTitle } from '../../../api/client';
import { groupsApi, type GroupComment } from '../../../api/groups';
import { useLoad } from '../../../shared/useLoad';
import { formatTime } from '../common';
import { groupText } from '../text';

/** 留言管理: the group's board including hidden messages; hide and show. */
export function BoardTab({ groupId }: { groupId: string }) {
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => groupsApi.comments(groupId, { page, pageSize: 20, includeHidden: true }), [groupId, page, tick]);

  const toggle = async (c: GroupComment) => {
    try {
      if (c.status === 'hidden') await groupsApi.showComment(groupId, c.id);
      else await groupsApi.hideComment(groupId, c.id);
      void message.success(groupText.saved);
      setTick((t) => t + 1);
    } catch (err) {
      void message.error(errorTitle(err));
    }
  };

  return (
    <div data-testid="board-admin">
      {!!list.error && <Alert type="error" showIcon title={errorTitle(list.error)} />}
      <List<GroupComment>
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.boardEmpty} /> }}
        renderItem={(c) => (
          <List.Item data-testid="board-item" data-status={c.status}>
            <Flex vertical gap={4} style={{ width: '100%', minWidth: 0 }}>
              <Flex justify="space-between" gap={8} wrap>
                <Flex gap={6} align="center">
                  <Typography.Text strong>{c.authorName ?? groupText.anonymous}</Typography.Text>
                  {c.status === 'hidden' ? <Tag>{groupText.hiddenTag}</Tag> : <Tag color="green">{groupText.visible}</Tag>}
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatTime(c.createdAt)}
                </Typography.Text>
              </Flex>
              <Typography.Paragraph
                type={c.status === 'hidden' ? 'secondary' : undefined}
                style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', marginBottom: 0 }}
              >
                {c.body}
              </Typography.Paragraph>
              <Flex justify="end">
                <Button size="small" danger={c.status !== 'hidden'} onClick={() => toggle(c)}>
                  {c.status === 'hidden' ? groupText.show : groupText.hide}
                </Button>
              </Flex>
            </Flex>
          </List.Item>
        )}
      />
      {list.data && list.data.total > 20 && (
        <Flex justify="center">
          <Pagination simple current={page} pageSize={20} total={list.data.total} onChange={setPage} />
        </Flex>
      )}
    </div>
  );
}
