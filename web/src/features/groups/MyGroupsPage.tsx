import { TeamOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, List, Popconfirm, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { groupsApi, type MyGroup } from '../../api/groups';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { useTabParam } from '../../shared/useTabParam';
import { formatDate } from './common';
import { groupText, memberStatusText } from './text';

type Tab = 'joined' | 'pending' | 'rejected';
const TABS: Tab[] = ['joined', 'pending', 'rejected'];

/** /me/groups: 我的团体 with 已加入 / 申请中 / 被拒绝 (seed 002 §2.1.7.1, §2.2.5.3). */
export function MyGroupsPage() {
  const [tab, setTab] = useTabParam(TABS, 'joined');
  const limits = useLoad(() => groupsApi.myLimits(), []);
  const [tick, setTick] = useState(0);

  const labels: Record<Tab, string> = { joined: groupText.tabJoined, pending: groupText.tabPending, rejected: groupText.tabRejected };

  return (
    <Page
      title={
        <span>
          <TeamOutlined /> {groupText.myGroupsTitle}
        </span>
      }
      docTitle={groupText.myGroupsTitle}
      width="medium"
      extra={
        <Link to="/groups">
          <Button type="primary" size="small" data-testid="join-more">
            {groupText.joinMore}
          </Button>
        </Link>
      }
    >
      <Flex align="center" gap={8} wrap style={{ marginBottom: 8 }}>
        <Tag color="blue" style={{ fontSize: 14, padding: '2px 8px' }} data-testid="group-limit">
          {limits.data ? groupText.limit(limits.data.used, limits.data.limit) : '—/20'}
        </Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {groupText.limitHint}
        </Typography.Text>
      </Flex>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={TABS.map((t) => ({
          key: t,
          label: <span data-testid={`tab-${t}`}>{labels[t]}</span>,
          children: (
            <MyGroupList
              key={`${t}-${tick}`}
              status={t}
              onChanged={() => {
                setTick((n) => n + 1);
                limits.reload();
              }}
            />
          ),
        }))}
      />
    </Page>
  );
}

function MyGroupList({ status, onChanged }: { status: Tab; onChanged: () => void }) {
  const [page, setPage] = useState(1);
  const { message } = App.useApp();
  const list = useLoad(() => groupsApi.myGroups({ status, page, pageSize: 10 }), [status, page]);
  const empty = { joined: groupText.noneJoined, pending: groupText.nonePending, rejected: groupText.noneRejected }[status];

  const leave = async (g: MyGroup) => {
    try {
      await groupsApi.leave(g.groupId);
      void message.success(groupText.left);
      onChanged();
    } catch (err) {
      void message.error(errorTitle(err));
    }
  };

  if (list.error) {
    return <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />;
  }
  return (
    <>
      <List<MyGroup>
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{
          emptyText: (
            <Empty description={empty}>
              <Link to="/groups">
                <Button type="primary">{groupText.joinMore}</Button>
              </Link>
            </Empty>
          ),
        }}
        renderItem={(g) => {
          const name = g.groupName ?? g.name ?? g.groupId;
          const s = memberStatusText[g.status];
          return (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="my-group" data-status={g.status}>
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} align="start">
                  <Link to={`/groups/${encodeURIComponent(g.groupId)}`} style={{ fontWeight: 600, fontSize: 15, minWidth: 0 }} data-testid="my-group-name">
                    {name}
                  </Link>
                  <Tag color={s?.color}>{s?.label ?? g.status}</Tag>
                </Flex>
                {g.regionName && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {g.regionName}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {groupText.appliedAt}：{formatDate(g.appliedAt)}
                  {g.decidedAt && (
                    <>
                      {' · '}
                      {status === 'joined' ? groupText.joinedAt : groupText.decidedAt}：{formatDate(g.decidedAt)}
                    </>
                  )}
                </Typography.Text>
                {status === 'rejected' && g.reason && (
                  <Typography.Text type="danger" style={{ fontSize: 13 }}>
                    {groupText.rejectReason}：{g.reason}
                  </Typography.Text>
                )}
                {status === 'joined' && (
                  <Flex justify="end">
                    <Popconfirm title={groupText.leaveConfirm} onConfirm={() => leave(g)} okText={groupText.leave} cancelText={groupText.cancel}>
                      <Button size="small" danger>
                        {groupText.leave}
                      </Button>
                    </Popconfirm>
                  </Flex>
                )}
              </Flex>
            </Card>
          );
        }}
      />
      <PageFooter total={list.data?.total} page={page} pageSize={10} onChange={setPage} marginTop={0} simple />
    </>
  );
}
