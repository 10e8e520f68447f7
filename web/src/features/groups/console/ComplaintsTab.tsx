import { DeleteOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Empty, Flex, Form, Input, List, Modal, Pagination, Segmented, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorTitle } from '../../../api/client';
import { groupsApi, type Complaint, type ComplaintStatus } from '../../../api/groups';
import { useLoad } from '../../../shared/useLoad';
import { formatTime } from '../common';
import { groupText } from '../text';

const statusColor: Record<ComplaintStatus, string> = { new: 'red', read: 'blue', handled: 'green' };

/** 投诉箱: the group's complaints inbox (seed 002 §2.1.6.7): read, handle, batch delete (hidden, kept). */
export function ComplaintsTab({ groupId }: { groupId: string }) {
  const { message, modal } = App.useApp();
  const [status, setStatus] = useState<ComplaintStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [handling, setHandling] = useState<Complaint | null>(null);
  const list = useLoad(
    () => groupsApi.complaints(groupId, { status: status === 'all' ? undefined : status, page, pageSize: 20 }),
    [groupId, status, page, tick],
  );
  const reload = () => {
    setSelected([]);
    setTick((t) => t + 1);
  };

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      void message.success(done);
      reload();
    } catch (err) {
      void message.error(errorTitle(err));
    }
  };

  const batchDelete = () =>
    modal.confirm({
      title: groupText.batchDelete,
      content: groupText.batchDeleteConfirm(selected.length),
      okText: groupText.batchDelete,
      okButtonProps: { danger: true },
      cancelText: groupText.cancel,
      onOk: () => act(() => groupsApi.hideComplaints(groupId, selected), groupText.deleted),
    });

  const items = list.data?.items ?? [];
  return (
    <div data-testid="complaints-inbox">
      <Flex justify="space-between" wrap gap={8} style={{ marginBottom: 12 }}>
        <Segmented<ComplaintStatus | 'all'>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
            setSelected([]);
          }}
          options={[
            { value: 'all', label: groupText.complaintAll },
            ...(['new', 'read', 'handled'] as ComplaintStatus[]).map((s) => ({ value: s, label: groupText.complaintStatus[s] })),
          ]}
        />
        <Flex gap={8} align="center">
          <Checkbox
            checked={items.length > 0 && selected.length === items.length}
            indeterminate={selected.length > 0 && selected.length < items.length}
            onChange={(e) => setSelected(e.target.checked ? items.map((c) => c.id) : [])}
          />
          <Button danger icon={<DeleteOutlined />} disabled={selected.length === 0} onClick={batchDelete} data-testid="complaints-delete">
            {groupText.batchDelete}
          </Button>
        </Flex>
      </Flex>
      {!!list.error && <Alert type="error" showIcon title={errorTitle(list.error)} />}
      <List<Complaint>
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.noComplaints} /> }}
        renderItem={(c) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="complaint" data-status={c.status}>
            <Flex gap={8} align="start">
              <Checkbox
                checked={selected.includes(c.id)}
                onChange={(e) => setSelected((s) => (e.target.checked ? [...s, c.id] : s.filter((x) => x !== c.id)))}
                style={{ marginTop: 2 }}
              />
              <Flex vertical gap={4} style={{ flex: 1, minWidth: 0 }}>
                <Flex justify="space-between" gap={8} wrap>
                  <Flex gap={6} wrap align="center">
                    <Tag color={statusColor[c.status]}>{groupText.complaintStatus[c.status]}</Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {groupText.complainant}：{c.complainant?.name ?? '—'}
                      {c.complainant?.username ? `（${c.complainant.username}）` : ''} · {groupText.target}：
                      {c.targetType === 'group' ? groupText.complainGroup : c.target?.name ?? groupText.complainVolunteer}
                    </Typography.Text>
                  </Flex>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatTime(c.createdAt)}
                  </Typography.Text>
                </Flex>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', marginBottom: 0 }}>{c.body}</Typography.Paragraph>
                {c.handledNote && (
                  <Typography.Text type="success" style={{ fontSize: 13 }}>
                    {groupText.handleNote}：{c.handledNote}
                  </Typography.Text>
                )}
                <Flex gap={8} justify="end">
                  {c.status === 'new' && (
                    <Button size="small" onClick={() => act(() => groupsApi.readComplaint(groupId, c.id), groupText.complaintStatus.read)}>
                      {groupText.markRead}
                    </Button>
                  )}
                  {c.status !== 'handled' && (
                    <Button size="small" type="primary" onClick={() => setHandling(c)}>
                      {groupText.handle}
                    </Button>
                  )}
                </Flex>
              </Flex>
            </Flex>
          </Card>
        )}
      />
      {list.data && list.data.total > 20 && (
        <Flex justify="center">
          <Pagination simple current={page} pageSize={20} total={list.data.total} onChange={setPage} />
        </Flex>
      )}
      <HandleModal
        complaint={handling}
        onClose={() => setHandling(null)}
        onSubmit={(note) => act(() => groupsApi.handleComplaint(groupId, handling!.id, note), groupText.complaintStatus.handled).then(() => setHandling(null))}
      />
    </div>
  );
}

function HandleModal({ complaint, onClose, onSubmit }: { complaint: Complaint | null; onClose: () => void; onSubmit: (note: string) => Promise<void> }) {
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={!!complaint}
      title={groupText.handleTitle}
      onCancel={onClose}
      okText={groupText.handle}
      cancelText={groupText.cancel}
      confirmLoading={busy}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields();
        setBusy(true);
        try {
          await onSubmit(v.note.trim());
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="note" label={groupText.handleNote} rules={[{ required: true, whitespace: true, message: groupText.handleNoteRequired }]}>
          <Input.TextArea rows={4} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
