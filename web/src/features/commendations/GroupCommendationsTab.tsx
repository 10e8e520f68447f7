import { StopOutlined, TrophyOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Form, Input, List, Modal, Segmented, Select, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { commendationsApi, type CommendationLevel, type GroupCommendation } from '../../api/commendations';
import { groupsApi, type GroupMember } from '../../api/groups';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { useLoad } from '../../shared/useLoad';
import { chinaToday, LoadError, ReasonModal } from '../projects-console/common';
import { formatTime } from '../projects/common';
import { groupCommendationText as T, levelText } from './text';

const PAGE_SIZE = 20;
type StatusFilter = 'all' | 'active' | 'revoked';
/** A group may grant only group-level commendations (src/modules/commendations/commendations.ts, LEVEL_NOT_ALLOWED). */
const GROUP_LEVELS: CommendationLevel[] = ['group'];
const FORM_FIELDS = ['accountId', 'title', 'level', 'grantedOn', 'note'] as const;

/** 表彰 in the group console: the group's commendations, granting one to a member, revoking with a reason. */
export function GroupCommendationsTab({ groupId }: { groupId: string }) {
  const { message } = App.useApp();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [page, setPage] = useState(1);
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<GroupCommendation | null>(null);
  const list = useLoad(
    () => commendationsApi.ofGroup(groupId, { ...(status === 'all' ? {} : { status }), page, pageSize: PAGE_SIZE }),
    [groupId, status, page],
  );

  return (
    <Flex vertical gap={12} data-testid="group-commendations">
      <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
        {T.hint}
      </Typography.Paragraph>
      <Flex justify="space-between" gap={8} wrap align="center">
        <Segmented<StatusFilter>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'all', label: T.all },
            { value: 'active', label: T.active },
            { value: 'revoked', label: T.revoked },
          ]}
        />
        <Button type="primary" icon={<TrophyOutlined />} onClick={() => setGranting(true)} data-testid="commendation-grant">
          {T.grant}
        </Button>
      </Flex>
      <LoadError error={list.error} onRetry={list.reload} />
      <Card size="small" title={list.data ? T.total(list.data.total) : undefined}>
        <List<GroupCommendation>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.none} /> }}
          pagination={
            (list.data?.total ?? 0) > PAGE_SIZE
              ? { current: page, pageSize: PAGE_SIZE, total: list.data?.total, onChange: setPage, size: 'small', showSizeChanger: false }
              : false
          }
          renderItem={(c) => <Row c={c} onRevoke={() => setRevoking(c)} />}
        />
      </Card>
      <GrantModal
        groupId={groupId}
        open={granting}
        onClose={() => setGranting(false)}
        onGranted={() => {
          setGranting(false);
          void message.success(T.granted);
          list.reload();
        }}
      />
      <ReasonModal
        open={!!revoking}
        title={revoking ? T.revokeTitle(revoking.title, revoking.volunteerName) : ''}
        label={T.revokeReason}
        okText={T.revokeOk}
        danger
        onCancel={() => setRevoking(null)}
        onSubmit={async (reason) => {
          if (!revoking) return;
          await commendationsApi.revoke(revoking.id, reason);
          setRevoking(null);
          void message.success(T.revokedDone);
          list.reload();
        }}
      />
    </Flex>
  );
}

function Row({ c, onRevoke }: { c: GroupCommendation; onRevoke: () => void }) {
  const level = levelText[c.level];
  const revoked = c.status === 'revoked';
  return (
    <List.Item data-testid="group-commendation" data-id={c.id} data-account-id={c.accountId} data-status={c.status} style={{ paddingInline: 0 }}>
      <Flex justify="space-between" gap={8} align="flex-start" style={{ width: '100%' }}>
        <Flex vertical gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Flex gap={6} wrap align="center">
            <Typography.Text strong delete={revoked} style={{ overflowWrap: 'anywhere' }}>
              {c.title}
            </Typography.Text>
            <Tag color={level?.color}>{c.levelName || level?.label}</Tag>
            {revoked && <Tag>{T.revoked}</Tag>}
          </Flex>
          <Typography.Text>
            {c.volunteerName}
            {c.volunteerNumber && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {' '}
                {c.volunteerNumber}
              </Typography.Text>
            )}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {T.grantedOn}：{c.grantedOn} · {T.grantedAs[c.grantedAs] ?? c.grantedAs}
          </Typography.Text>
          {c.note && <Typography.Text style={{ fontSize: 13, overflowWrap: 'anywhere' }}>{c.note}</Typography.Text>}
          {revoked && (
            <Typography.Text type="danger" style={{ fontSize: 12, overflowWrap: 'anywhere' }}>
              {T.revokedInfo(formatTime(c.revokedAt), c.revokedReason ?? '')}
            </Typography.Text>
          )}
        </Flex>
        {/* What an authority granted only an authority revokes (GRANTOR_ONLY). */}
        {!revoked && c.grantedAs === 'group' && (
          <Button size="small" danger icon={<StopOutlined />} onClick={onRevoke} data-testid="commendation-revoke">
            {T.revoke}
          </Button>
        )}
      </Flex>
    </List.Item>
  );
}

interface GrantForm {
  accountId: string;
  title: string;
  level: CommendationLevel;
  grantedOn: string;
  note?: string;
}

function memberLabel(m: GroupMember): string {
  const name = m.name ?? m.username ?? m.accountId;
  return m.volunteerNumber ? `${name}（${m.volunteerNumber}）` : name;
}

/** The joined members matching `q` (name, username, or exact volunteer number / phone, as the server searches). */
function useMemberOptions(groupId: string, open: boolean) {
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    if (!open) return;
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      setLoading(true);
      groupsApi
        .members(groupId, { status: 'joined', ...(q.trim() ? { q: q.trim() } : {}), pageSize: 20 })
        .then((page) => {
          if (mine === seq.current) setOptions(page.items.map((m) => ({ value: m.accountId, label: memberLabel(m) })));
        })
        .catch(() => {
          if (mine === seq.current) setOptions([]);
        })
        .finally(() => {
          if (mine === seq.current) setLoading(false);
        });
    }, q ? 300 : 0);
    return () => clearTimeout(timer);
  }, [groupId, open, q]);
  return { options, loading, search: setQ };
}

function GrantModal({ groupId, open, onClose, onGranted }: { groupId: string; open: boolean; onClose: () => void; onGranted: () => void }) {
  const [form] = Form.useForm<GrantForm>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const members = useMemberOptions(groupId, open);
  const today = chinaToday();

  const close = () => {
    setFailure(null);
    onClose();
  };
  const onFinish = async (v: GrantForm) => {
    setBusy(true);
    setFailure(null);
    try {
      await commendationsApi.grant(groupId, {
        accountId: v.accountId,
        title: v.title.trim(),
        level: v.level,
        grantedOn: v.grantedOn,
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      });
      form.resetFields();
      onGranted();
    } catch (err) {
      setFailure(toFailure(err));
      // The server names the field at fault (422 TITLE_REQUIRED, DATE_INVALID, NOT_RELATED…): its title goes under that field too.
      if (err instanceof ApiError) {
        const fields = (err.problem.errors ?? [])
          .map((e) => String(e.field ?? '').replace(/^\/+/, ''))
          .filter((f): f is (typeof FORM_FIELDS)[number] => (FORM_FIELDS as readonly string[]).includes(f));
        if (fields.length) form.setFields(fields.map((name) => ({ name, errors: [err.problem.title] })));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={T.grantTitle} onCancel={close} footer={null} destroyOnHidden>
      <Form<GrantForm>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ level: 'group', grantedOn: today }}
        data-testid="commendation-form"
        preserve={false}
      >
        <Form.Item name="accountId" label={T.volunteer} rules={[{ required: true, message: T.volunteerRequired }]} extra={T.volunteerHint}>
          <Select
            showSearch={{ filterOption: false, onSearch: members.search }}
            placeholder={T.volunteerPlaceholder}
            options={members.options}
            loading={members.loading}
            notFoundContent={members.loading ? undefined : T.noMembers}
            data-testid="commendation-volunteer"
          />
        </Form.Item>
        <Form.Item name="title" label={T.title} rules={[{ required: true, whitespace: true, message: T.titleRequired }]}>
          <Input maxLength={100} placeholder={T.titlePlaceholder} data-testid="commendation-title" />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="level" label={T.level} style={{ flex: '1 1 140px' }}>
            <Select options={GROUP_LEVELS.map((l) => ({ value: l, label: levelText[l]?.label ?? l }))} data-testid="commendation-level" />
          </Form.Item>
          <Form.Item name="grantedOn" label={T.grantedOn} rules={[{ required: true, message: T.grantedOnRequired }]} style={{ flex: '1 1 160px' }}>
            <Input type="date" max={today} data-testid="commendation-date" />
          </Form.Item>
        </Flex>
        <Form.Item name="note" label={T.note}>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={T.notePlaceholder} data-testid="commendation-note" />
        </Form.Item>
        <ProblemAlert failure={failure} />
        <Flex gap={8} justify="flex-end">
          <Button onClick={close}>{T.cancel}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="commendation-submit">
            {T.submit}
          </Button>
        </Flex>
      </Form>
    </Modal>
  );
}
