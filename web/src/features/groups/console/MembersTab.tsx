import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Form, Grid, Input, List, Modal, Pagination, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorTitle } from '../../../api/client';
import { groupsApi, type GroupMember } from '../../../api/groups';
import { useLoad } from '../../../shared/useLoad';
import { formatDate } from '../common';
import { groupText, memberStatusText } from '../text';

const genderText: Record<string, string> = { male: '男', female: '女' };

/** Asks for a reason (reject, remove) and runs `onSubmit` with it. */
export function ReasonModal({
  open,
  title,
  onCancel,
  onSubmit,
  okText,
}: {
  open: boolean;
  title: string;
  onCancel: () => void;
  onSubmit: (reason: string) => Promise<void>;
  okText?: string;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onCancel}
      okText={okText ?? groupText.reject}
      cancelText={groupText.cancel}
      confirmLoading={busy}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields();
        setBusy(true);
        try {
          await onSubmit(v.reason.trim());
          form.resetFields();
        } finally {
          setBusy(false);
        }
      }}
      okButtonProps={{ 'data-testid': 'reason-ok' } as Record<`data-${string}`, string>}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={groupText.rejectTitle} rules={[{ required: true, whitespace: true, message: groupText.reasonRequired }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder={groupText.reasonPlaceholder} data-testid="reason-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function MembersTab({ groupId }: { groupId: string }) {
  const [tick, setTick] = useState(0);
  return (
    <Flex vertical gap={24}>
      <PendingApplications groupId={groupId} tick={tick} onChanged={() => setTick((t) => t + 1)} />
      <MemberList groupId={groupId} tick={tick} onChanged={() => setTick((t) => t + 1)} />
    </Flex>
  );
}

function memberPhone(m: GroupMember) {
  return m.phone ?? m.phoneMasked ?? m.maskedPhone ?? '—';
}

function PendingApplications({ groupId, tick, onChanged }: { groupId: string; tick: number; onChanged: () => void }) {
  const { message } = App.useApp();
  const list = useLoad(() => groupsApi.members(groupId, { status: 'pending', pageSize: 50 }), [groupId, tick]);
  const [rejecting, setRejecting] = useState<GroupMember | null>(null);

  const approve = async (m: GroupMember) => {
    try {
      await groupsApi.decideMember(groupId, m.accountId, { decision: 'approve' });
      void message.success(groupText.approved);
      onChanged();
    } catch (err) {
      void message.error(errorTitle(err));
    }
  };

  return (
    <div data-testid="pending-applications">
      <Typography.Title level={5}>
        {groupText.pendingApplications} {list.data ? <Tag color="processing">{list.data.total}</Tag> : null}
      </Typography.Title>
      {!!list.error && <Alert type="error" showIcon title={errorTitle(list.error)} />}
      <List<GroupMember>
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.noPending} /> }}
        renderItem={(m) => (
          <List.Item data-testid="application" data-username={m.username ?? ''}>
            <Flex justify="space-between" align="center" wrap gap={8} style={{ width: '100%' }}>
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text strong>
                  {m.name ?? '—'} <Typography.Text type="secondary">{m.username}</Typography.Text>
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {m.volunteerNumber ?? ''} {memberPhone(m)} · {groupText.appliedAt} {formatDate(m.appliedAt)}
                </Typography.Text>
              </Flex>
              <Flex gap={8}>
                <Button type="primary" size="small" onClick={() => approve(m)} data-testid="approve-member">
                  {groupText.approve}
                </Button>
                <Button danger size="small" onClick={() => setRejecting(m)} data-testid="reject-member">
                  {groupText.reject}
                </Button>
              </Flex>
            </Flex>
          </List.Item>
        )}
      />
      <ReasonModal
        open={!!rejecting}
        title={groupText.rejectTitle}
        onCancel={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (!rejecting) return;
          try {
            await groupsApi.decideMember(groupId, rejecting.accountId, { decision: 'reject', reason });
            void message.success(groupText.rejected);
            setRejecting(null);
            onChanged();
          } catch (err) {
            void message.error(errorTitle(err));
          }
        }}
      />
    </div>
  );
}

function MemberList({ groupId, tick, onChanged }: { groupId: string; tick: number; onChanged: () => void }) {
  const { message } = App.useApp();
  const desktop = !!Grid.useBreakpoint().md;
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useLoad(() => groupsApi.members(groupId, { status: 'joined', q: q || undefined, page, pageSize: 20 }), [groupId, q, page, tick]);
  const [removing, setRemoving] = useState<GroupMember | null>(null);

  const columns = [
    { title: groupText.name_, dataIndex: 'name', key: 'name' },
    { title: groupText.username_, dataIndex: 'username', key: 'username' },
    { title: groupText.volunteerNumber, dataIndex: 'volunteerNumber', key: 'vn', render: (v: string | null) => v ?? '—' },
    { title: groupText.gender, dataIndex: 'gender', key: 'gender', width: 60, render: (v: string | null) => (v ? genderText[v] ?? v : '—') },
    { title: groupText.phone, key: 'phone', render: (_: unknown, m: GroupMember) => memberPhone(m) },
    { title: groupText.joinedAt, dataIndex: 'decidedAt', key: 'joined', render: (v: string | null, m: GroupMember) => formatDate(v ?? m.appliedAt) },
    {
      title: groupText.actions,
      key: 'actions',
      width: 80,
      render: (_: unknown, m: GroupMember) => (
        <Button danger size="small" type="link" onClick={() => setRemoving(m)}>
          {groupText.remove}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="member-list">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {groupText.memberList} {list.data ? <Tag>{list.data.total}</Tag> : null}
        </Typography.Title>
        <Flex gap={8} wrap style={{ flex: desktop ? 'none' : '1 1 100%' }}>
          <Input.Search
            allowClear
            placeholder={groupText.memberSearch}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            style={{ width: desktop ? 300 : '100%' }}
            maxLength={50}
          />
          <Button icon={<DownloadOutlined />} href={groupsApi.exportUrl(groupId, 'joined')} data-testid="export-members">
            {groupText.exportExcel}
          </Button>
        </Flex>
      </Flex>
      {!!list.error && <Alert type="error" showIcon title={errorTitle(list.error)} />}
      {desktop ? (
        <Table<GroupMember>
          rowKey="accountId"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.noMembers} /> }}
        />
      ) : (
        <List<GroupMember>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.noMembers} /> }}
          renderItem={(m) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="member">
              <Flex justify="space-between" align="center" gap={8}>
                <Flex vertical style={{ minWidth: 0 }}>
                  <Typography.Text strong>
                    {m.name} <Typography.Text type="secondary">{m.username}</Typography.Text>
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {m.volunteerNumber ?? ''} {memberPhone(m)} · {memberStatusText[m.status]?.label}
                  </Typography.Text>
                </Flex>
                <Button danger size="small" onClick={() => setRemoving(m)}>
                  {groupText.remove}
                </Button>
              </Flex>
            </Card>
          )}
        />
      )}
      {list.data && list.data.total > 20 && (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Pagination simple={!desktop} current={page} pageSize={20} total={list.data.total} onChange={setPage} showSizeChanger={false} />
        </Flex>
      )}
      <ReasonModal
        open={!!removing}
        title={groupText.removeTitle}
        okText={groupText.remove}
        onCancel={() => setRemoving(null)}
        onSubmit={async (reason) => {
          if (!removing) return;
          try {
            await groupsApi.removeMember(groupId, removing.accountId, reason);
            void message.success(groupText.removed);
            setRemoving(null);
            onChanged();
          } catch (err) {
            void message.error(errorTitle(err));
          }
        }}
      />
    </div>
  );
}
