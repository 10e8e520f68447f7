import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, List, Popconfirm, Row, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorTitle } from '../../../api/client';
import { groupsApi, type ActingPerson, type ActingRole } from '../../../api/groups';
import { isValidResidentId } from '../../../shared/idNumber';
import { ProblemAlert, toFailure, type Failure } from '../../../shared/ProblemAlert';
import { commonText } from '../../../shared/text';
import { useLoad } from '../../../shared/useLoad';
import { formatDate } from '../common';
import { actingRoleText, actingStatusText, groupText } from '../text';
import { ReasonModal } from './MembersTab';

/** 人员授权 (seed 004 §五): applications, grants, revocation, and the legal representative. */
export function ActingTab({ groupId, role }: { groupId: string; role: 'group_account' | ActingRole }) {
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const reload = () => setTick((t) => t + 1);
  const pending = useLoad(() => groupsApi.acting(groupId, 'pending'), [groupId, tick]);
  const active = useLoad(() => groupsApi.acting(groupId, 'active'), [groupId, tick]);
  const [rejecting, setRejecting] = useState<ActingPerson | null>(null);
  const grantable: ('administrator' | 'operator')[] = role === 'administrator' ? ['operator'] : ['administrator', 'operator'];

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      void message.success(done);
      reload();
    } catch (err) {
      void message.error(errorTitle(err));
    }
  };

  const personLine = (p: ActingPerson) => (
    <Flex vertical style={{ minWidth: 0 }}>
      <Typography.Text strong>
        {p.name ?? '—'} <Typography.Text type="secondary">{p.username}</Typography.Text>
      </Typography.Text>
      <Flex gap={6} wrap align="center">
        <Tag color="purple">{actingRoleText[p.role]}</Tag>
        <Tag color={actingStatusText[p.status].color}>{actingStatusText[p.status].label}</Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatDate(p.decidedAt ?? p.requestedAt)}
        </Typography.Text>
      </Flex>
    </Flex>
  );

  return (
    <Flex vertical gap={24}>
      <div data-testid="acting-applications">
        <Typography.Title level={5}>{groupText.actingApplications}</Typography.Title>
        {!!pending.error && <Alert type="error" showIcon title={errorTitle(pending.error)} />}
        <List<ActingPerson>
          loading={pending.loading}
          dataSource={pending.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.noPending} /> }}
          renderItem={(p) => (
            <List.Item>
              <Flex justify="space-between" align="center" wrap gap={8} style={{ width: '100%' }}>
                {personLine(p)}
                <Flex gap={8}>
                  <Button
                    type="primary"
                    size="small"
                    onClick={() => act(() => groupsApi.decideActing(groupId, p.personAccountId, { decision: 'approve' }), groupText.approved)}
                  >
                    {groupText.approve}
                  </Button>
                  <Button danger size="small" onClick={() => setRejecting(p)}>
                    {groupText.reject}
                  </Button>
                </Flex>
              </Flex>
            </List.Item>
          )}
        />
      </div>

      <div data-testid="acting-people">
        <Typography.Title level={5}>{groupText.actingPeople}</Typography.Title>
        {!!active.error && <Alert type="error" showIcon title={errorTitle(active.error)} />}
        <List<ActingPerson>
          loading={active.loading}
          dataSource={active.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          renderItem={(p) => (
            <List.Item>
              <Flex justify="space-between" align="center" wrap gap={8} style={{ width: '100%' }}>
                {personLine(p)}
                <Popconfirm
                  title={groupText.revokeConfirm}
                  okText={groupText.revoke}
                  cancelText={groupText.cancel}
                  onConfirm={() => act(() => groupsApi.revokeActing(groupId, p.personAccountId), groupText.revoked)}
                >
                  <Button danger size="small">
                    {groupText.revoke}
                  </Button>
                </Popconfirm>
              </Flex>
            </List.Item>
          )}
        />
      </div>

      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <GrantCard groupId={groupId} roles={grantable} onDone={reload} />
        </Col>
        {role === 'group_account' && (
          <Col xs={24} md={12}>
            <LegalCard groupId={groupId} onDone={reload} />
          </Col>
        )}
      </Row>

      <ReasonModal
        open={!!rejecting}
        title={groupText.rejectTitle}
        onCancel={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (!rejecting) return;
          await act(() => groupsApi.decideActing(groupId, rejecting.personAccountId, { decision: 'reject', reason }), groupText.rejected);
          setRejecting(null);
        }}
      />
    </Flex>
  );
}

function GrantCard({ groupId, roles, onDone }: { groupId: string; roles: ('administrator' | 'operator')[]; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ username: string; role: 'administrator' | 'operator' }>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Card size="small" title={groupText.grant}>
      <Form
        data-testid="grant-form"
        form={form}
        layout="vertical"
        initialValues={{ role: roles[roles.length - 1] }}
        onFinish={async (v) => {
          setBusy(true);
          setFailure(null);
          try {
            await groupsApi.grantActing(groupId, { username: v.username.trim(), role: v.role });
            void message.success(groupText.granted);
            form.resetFields(['username']);
            onDone();
          } catch (err) {
            setFailure(toFailure(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="username" label={groupText.grantUsername} rules={[{ required: true, whitespace: true, message: commonText.required(groupText.grantUsername) }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="role" label={groupText.grantRole}>
          <Select options={roles.map((r) => ({ value: r, label: actingRoleText[r] }))} />
        </Form.Item>
        <ProblemAlert failure={failure} />
        <Button type="primary" htmlType="submit" loading={busy} block>
          {groupText.grant}
        </Button>
      </Form>
    </Card>
  );
}

function LegalCard({ groupId, onDone }: { groupId: string; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ username: string; name: string; idNumber: string }>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Card size="small" title={groupText.designateLegal}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {groupText.designateHint}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          setBusy(true);
          setFailure(null);
          try {
            await groupsApi.designateLegal(groupId, { username: v.username.trim(), name: v.name.trim(), idNumber: v.idNumber.trim().toUpperCase() });
            void message.success(groupText.designated);
            form.resetFields();
            onDone();
          } catch (err) {
            setFailure(toFailure(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="username" label={groupText.legalUsername} rules={[{ required: true, whitespace: true, message: commonText.required(groupText.legalUsername) }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="name" label={groupText.legalName} rules={[{ required: true, whitespace: true, message: commonText.required(groupText.legalName) }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="idNumber"
          label={groupText.legalId}
          rules={[
            { required: true, whitespace: true, message: groupText.leaderIdRequired },
            { validator: (_, v: string | undefined) => (!v?.trim() || isValidResidentId(v) ? Promise.resolve() : Promise.reject(new Error(groupText.leaderIdInvalid))) },
          ]}
        >
          <Input maxLength={18} />
        </Form.Item>
        <ProblemAlert failure={failure} />
        <Button type="primary" htmlType="submit" loading={busy} block>
          {groupText.designate}
        </Button>
      </Form>
    </Card>
  );
}
