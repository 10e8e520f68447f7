import { ArrowLeftOutlined, ExclamationCircleOutlined, MessageOutlined, UserAddOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Input, List, Modal, Radio, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorTitle } from '../../api/client';
import { groupsApi, type GroupDetail } from '../../api/groups';
import { useSession } from '../../app/session';
import { DetailFallback } from '../../shared/DetailFallback';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { useLoad } from '../../shared/useLoad';
import { formatDate, formatHours, formatTime, LevelTag, useCategoryNames } from './common';
import { actingRoleText, groupStatusText, groupText, groupTypeText } from './text';

/** /groups/:id: a group's public page (seed 002 图 2-45): introduction, figures, 我要加入, 留言, 我要投诉. */
export function GroupDetailPage() {
  const { id = '' } = useParams();
  const detail = useLoad(() => groupsApi.detail(id), [id]);
  const categoryNames = useCategoryNames();
  const g = detail.data;

  if (!g) {
    return <DetailFallback title={groupText.detailTitle} error={detail.error} onRetry={detail.reload} backTo="/groups" backText={groupText.back} />;
  }

  return (
    <Page
      title={<span data-testid="group-name">{g.name}</span>}
      docTitle={g.name}
      width="wide"
      extra={
        <Link to="/groups" aria-label={groupText.back}>
          <ArrowLeftOutlined /> {groupText.backShort}
        </Link>
      }
    >
      <Flex vertical gap={16}>
        <Flex gap={8} wrap align="center">
          <LevelTag level={g.level} name={g.levelName} />
          <Tag>{groupTypeText[g.type] ?? g.type}</Tag>
          {g.status !== 'approved' && <Tag color={groupStatusText[g.status].color}>{groupStatusText[g.status].label}</Tag>}
          <Typography.Text type="secondary">{g.regionName ?? g.regionCode}</Typography.Text>
        </Flex>
        <Flex gap={12} wrap>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={groupText.memberCount} value={g.memberCount} suffix={groupText.peopleUnit} />
          </Card>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={groupText.projectCount} value={g.projectCount ?? 0} />
          </Card>
          <Card size="small" style={{ flex: '1 1 100px' }}>
            <Statistic title={groupText.totalHours} value={formatHours(g.totalHours)} suffix={groupText.hoursUnit} />
          </Card>
        </Flex>
        <JoinBox group={g} />
        <div>
          <Typography.Title level={5}>{groupText.introduction}</Typography.Title>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="group-introduction">
            {g.introduction?.trim() || <Typography.Text type="secondary">{groupText.noIntroduction}</Typography.Text>}
          </Typography.Paragraph>
        </div>
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, sm: 1, md: 2 }}
          items={[
            { key: 'id', label: groupText.groupId, children: <Typography.Text copyable style={{ wordBreak: 'break-all' }}>{g.id}</Typography.Text> },
            { key: 'categories', label: groupText.category, children: categoryNames(g.serviceCategories) },
            { key: 'created', label: groupText.createdAt, children: formatDate(g.createdAt) },
            ...(g.contactName
              ? [{ key: 'contact', label: groupText.contact, children: `${g.contactName} ${g.contactPhone ?? ''}` }]
              : []),
          ]}
        />
        {g.status === 'approved' && <CommentBoard groupId={g.id} />}
      </Flex>
    </Page>
  );
}

function JoinBox({ group }: { group: GroupDetail }) {
  const session = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [complainOpen, setComplainOpen] = useState(false);
  const [result, setResult] = useState<'pending' | 'joined' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [form] = Form.useForm<{ exemptPassword?: string }>();
  const me = session.me;
  const isVolunteer = me?.type === 'volunteer';

  if (group.status !== 'approved') return null;

  const onJoin = async (v: { exemptPassword?: string }) => {
    setSubmitting(true);
    setFailure(null);
    try {
      const r = await groupsApi.apply(group.id, v.exemptPassword?.trim() || undefined);
      setResult(r.status);
      setOpen(false);
      void message.success(r.status === 'joined' ? groupText.joined : groupText.applied);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'ALREADY_MEMBER' || err.code === 'ALREADY_APPLIED')) {
        setResult(err.code === 'ALREADY_MEMBER' ? 'joined' : 'pending');
        setOpen(false);
        void message.info(err.problem.title);
      } else if (err instanceof ApiError && err.code === 'EXEMPT_PASSWORD_WRONG') {
        form.setFields([{ name: 'exemptPassword', errors: [err.problem.title] }]);
      } else {
        setFailure(toFailure(err));
      }
    } finally {
      setSubmitting(false);
    }
  };

  const needSignIn = () => navigate('/login', { state: { from: `/groups/${group.id}` } });

  return (
    <>
      {result && (
        <Alert
          type="success"
          showIcon
          data-testid="join-result"
          data-status={result}
          title={result === 'joined' ? groupText.joined : groupText.applied}
          action={
            <Link to={`/me/groups${result === 'pending' ? '?tab=pending' : ''}`}>
              <Button size="small">{groupText.myGroupsTitle}</Button>
            </Link>
          }
        />
      )}
      <Flex gap={8} wrap>
        <Button
          type="primary"
          size="large"
          icon={<UserAddOutlined />}
          data-testid="join-group"
          disabled={!!result || (!!me && !isVolunteer)}
          onClick={() => (me ? setOpen(true) : needSignIn())}
          style={{ flex: '1 1 160px' }}
        >
          {groupText.join}
        </Button>
        <Button
          size="large"
          icon={<ExclamationCircleOutlined />}
          data-testid="complain-group"
          onClick={() => (me ? setComplainOpen(true) : needSignIn())}
          style={{ flex: '1 1 120px' }}
        >
          {groupText.complain}
        </Button>
      </Flex>
      {me && !isVolunteer && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {groupText.joinOnlyVolunteers}
        </Typography.Text>
      )}
      <Modal
        open={open}
        title={groupText.joinTitle}
        onCancel={() => setOpen(false)}
        footer={null}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{groupText.joinHint}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={onJoin}>
          <Form.Item name="exemptPassword" label={groupText.joinExempt}>
            <Input.Password autoComplete="off" maxLength={32} data-testid="join-exempt-password" />
          </Form.Item>
          <ProblemAlert failure={failure} />
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="join-submit">
            {groupText.joinSubmit}
          </Button>
        </Form>
      </Modal>
      <ComplaintModal groupId={group.id} open={complainOpen} onClose={() => setComplainOpen(false)} />
      {me && (me.type === 'volunteer' || me.type === 'staff') && <ActingApplication groupId={group.id} />}
    </>
  );
}

/** 申请代表团体办理业务 (seed 004 §五): a person asks to become an operator or administrator of the group. */
function ActingApplication({ groupId }: { groupId: string }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<'operator' | 'administrator'>('operator');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button type="link" size="small" onClick={() => setOpen(true)} style={{ alignSelf: 'flex-start', paddingInline: 0 }} data-testid="apply-acting">
        {groupText.applyActing}
      </Button>
      <Modal
        open={open}
        title={groupText.applyActing}
        onCancel={() => setOpen(false)}
        okText={groupText.applyActingSubmit}
        cancelText={groupText.cancel}
        confirmLoading={busy}
        destroyOnHidden
        onOk={async () => {
          setBusy(true);
          setFailure(null);
          try {
            await groupsApi.applyActing(groupId, role);
            void message.success(groupText.actingApplied);
            setOpen(false);
          } catch (err) {
            setFailure(toFailure(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Typography.Paragraph type="secondary">{groupText.applyActingHint}</Typography.Paragraph>
        <Flex vertical gap={8}>
          <Typography.Text>{groupText.applyActingRole}</Typography.Text>
          <Radio.Group
            value={role}
            onChange={(e) => setRole(e.target.value as 'operator' | 'administrator')}
            options={[
              { value: 'operator', label: actingRoleText.operator },
              { value: 'administrator', label: actingRoleText.administrator },
            ]}
          />
          <ProblemAlert failure={failure} />
        </Flex>
      </Modal>
    </>
  );
}

function ComplaintModal({ groupId, open, onClose }: { groupId: string; open: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ targetType: 'group' | 'volunteer'; targetAccountId?: string; body: string }>();
  const targetType = Form.useWatch('targetType', form) ?? 'group';
  const [failure, setFailure] = useState<Failure | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const onFinish = async (v: { targetType: 'group' | 'volunteer'; targetAccountId?: string; body: string }) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await groupsApi.complain({
        groupId,
        targetType: v.targetType,
        ...(v.targetType === 'volunteer' ? { targetAccountId: v.targetAccountId?.trim() } : {}),
        body: v.body.trim(),
      });
      void message.success(groupText.complained);
      form.resetFields();
      onClose();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };
  return (
    <Modal open={open} title={groupText.complainTitle} onCancel={onClose} footer={null} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ targetType: 'group' }} onFinish={onFinish}>
        <Form.Item name="targetType" label={groupText.complainTarget}>
          <Radio.Group
            options={[
              { value: 'group', label: groupText.complainGroup },
              { value: 'volunteer', label: groupText.complainVolunteer },
            ]}
          />
        </Form.Item>
        {targetType === 'volunteer' && (
          <Form.Item
            name="targetAccountId"
            label={groupText.complainVolunteerId}
            rules={[{ required: true, whitespace: true, message: groupText.complainVolunteerIdRequired }]}
          >
            <Input maxLength={64} />
          </Form.Item>
        )}
        <Form.Item name="body" label={groupText.complainBody} rules={[{ required: true, whitespace: true, message: groupText.complainBodyRequired }]}>
          <Input.TextArea rows={5} maxLength={1000} showCount data-testid="complaint-body" />
        </Form.Item>
        <ProblemAlert failure={failure} />
        <Button type="primary" htmlType="submit" block loading={submitting} data-testid="complaint-submit">
          {groupText.complainSubmit}
        </Button>
      </Form>
    </Modal>
  );
}

function CommentBoard({ groupId }: { groupId: string }) {
  const session = useSession();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const comments = useLoad(() => groupsApi.comments(groupId, { page, pageSize: 10 }), [groupId, page]);
  const [form] = Form.useForm<{ body: string }>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [posting, setPosting] = useState(false);

  const onPost = async (v: { body: string }) => {
    setPosting(true);
    setFailure(null);
    try {
      await groupsApi.postComment(groupId, v.body.trim());
      form.resetFields();
      void message.success(groupText.boardPosted);
      if (page === 1) comments.reload();
      else setPage(1);
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setPosting(false);
    }
  };

  return (
    <div data-testid="comment-board">
      <Typography.Title level={5}>
        <MessageOutlined /> {groupText.board}
      </Typography.Title>
      {session.me ? (
        <Form form={form} onFinish={onPost} style={{ marginBottom: 12 }}>
          <Form.Item name="body" rules={[{ required: true, whitespace: true, message: groupText.boardRequired }]} style={{ marginBottom: 8 }}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder={groupText.boardPlaceholder} data-testid="comment-input" />
          </Form.Item>
          <ProblemAlert failure={failure} />
          <Flex justify="end">
            <Button type="primary" htmlType="submit" loading={posting} data-testid="comment-submit">
              {groupText.boardSubmit}
            </Button>
          </Flex>
        </Form>
      ) : (
        <Typography.Paragraph type="secondary">
          <Link to="/login" state={{ from: `/groups/${groupId}` }}>
            {groupText.boardSignIn}
          </Link>
        </Typography.Paragraph>
      )}
      {comments.error ? (
        <Alert type="error" showIcon title={errorTitle(comments.error)} />
      ) : (
        <List
          loading={comments.loading}
          dataSource={comments.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.boardEmpty} /> }}
          renderItem={(c) => (
            <List.Item data-testid="comment-item">
              <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                <Flex justify="space-between" gap={8}>
                  <Typography.Text strong>{c.authorName ?? groupText.anonymous}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12, flex: 'none' }}>
                    {formatTime(c.createdAt)}
                  </Typography.Text>
                </Flex>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', marginBottom: 0 }}>{c.body}</Typography.Paragraph>
              </Flex>
            </List.Item>
          )}
        />
      )}
      <PageFooter total={comments.data?.total} page={page} pageSize={10} onChange={setPage} marginTop={8} simple />
    </div>
  );
}
