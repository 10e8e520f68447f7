import { AuditOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, List, Pagination, Result, Row, Select, Skeleton, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { getServiceFields, getSites } from '../../api/endpoints';
import { groupsApi, levelAllows, LEVEL_NAMES, type GroupDetail, type GroupLevel, type PendingReview } from '../../api/groups';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { useLoad } from '../../shared/useLoad';
import { formatDate, LevelTag, useCategoryNames } from './common';
import { loadConsoleGroup } from './consoleGroup';
import { useSpaces } from './spaces';
import { ReasonModal } from './console/MembersTab';
import { groupText, groupTypeText } from './text';

/** /console/reviews: the authority's console (system administrators, advanced groups). */
export function ReviewsPage() {
  const { me } = useSession();
  const isAdmin = me?.type === 'admin';
  const spaces = useSpaces();
  const acting = useLoad(() => (me && !isAdmin ? loadConsoleGroup(me) : Promise.resolve(null)), [me?.id, isAdmin, spaces.version]);
  if (!isAdmin && acting.loading) {
    return (
      <Page title={groupText.reviewsTitle} width="wide">
        <Skeleton active />
      </Page>
    );
  }
  // Advanced groups review and re-level inside their jurisdiction; any approved group reviews those that chose it as liaison.
  const approvedGroup = acting.data && acting.data.detail.status === 'approved' ? acting.data : null;
  const advanced = !!approvedGroup && levelAllows(approvedGroup.detail.level, 'review_groups_in_jurisdiction');
  if (!isAdmin && !approvedGroup) {
    return (
      <Page title={groupText.reviewsTitle} width="wide">
        <Result status="403" title={groupText.onlyAuthorities} />
      </Page>
    );
  }
  const items = [
    { key: 'pending', label: groupText.reviewsPending, children: <PendingReviews isAdmin={isAdmin} /> },
    ...(isAdmin || advanced ? [{ key: 'levels', label: groupText.reviewsLevels, children: <LevelChanges isAdmin={isAdmin} /> }] : []),
    ...(isAdmin ? [{ key: 'jurisdiction', label: groupText.reviewsJurisdiction, children: <JurisdictionEditor /> }] : []),
  ];
  return (
    <Page
      title={
        <span>
          <AuditOutlined /> {groupText.reviewsTitle}
        </span>
      }
      docTitle={groupText.reviewsTitle}
      width="wide"
    >
      <Tabs items={items.map((i) => ({ ...i, label: <span data-testid={`reviews-tab-${i.key}`}>{i.label}</span> }))} />
    </Page>
  );
}

function PendingReviews({ isAdmin }: { isAdmin: boolean }) {
  const { message } = App.useApp();
  const sites = useLoad(getSites, []);
  const categoryNames = useCategoryNames();
  const [siteCode, setSiteCode] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => groupsApi.pendingReviews({ siteCode, page, pageSize: 10 }), [siteCode, page, tick]);
  const [rejecting, setRejecting] = useState<PendingReview | null>(null);

  const decide = async (g: PendingReview, decision: 'approve' | 'reject', reason?: string) => {
    try {
      await groupsApi.review(g.id, { decision, ...(reason ? { reason } : {}) });
      void message.success(groupText.reviewDone);
      setTick((t) => t + 1);
    } catch (err) {
      void message.error(errorTitle(err));
    }
  };

  return (
    <div data-testid="pending-reviews">
      {isAdmin && (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={groupText.sitePlaceholder}
          value={siteCode}
          onChange={(v) => {
            setSiteCode(v);
            setPage(1);
          }}
          options={(sites.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
          style={{ width: 220, maxWidth: '100%', marginBottom: 12 }}
        />
      )}
      {!!list.error && <Alert type="error" showIcon title={errorTitle(list.error)} />}
      <List<PendingReview>
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={groupText.noPendingReviews} /> }}
        renderItem={(g) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="review-item" data-name={g.name}>
            <Flex justify="space-between" wrap gap={8} align="center">
              <Flex vertical gap={2} style={{ minWidth: 0 }}>
                <Link to={`/groups/${encodeURIComponent(g.id)}`} style={{ fontWeight: 600 }}>
                  {g.name}
                </Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {g.type ? groupTypeText[g.type] : g.legalPerson ? groupTypeText.legal : groupTypeText.non_legal} · {g.regionName ?? g.regionCode} ·{' '}
                  {g.serviceCategories ? `${categoryNames(g.serviceCategories)} · ` : ''}
                  {formatDate(g.createdAt)}
                </Typography.Text>
                {g.creditCode ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {groupText.creditCode}：{String(g.creditCode)}
                  </Typography.Text>
                ) : null}
              </Flex>
              <Flex gap={8}>
                <Button type="primary" onClick={() => decide(g, 'approve')} data-testid="review-approve">
                  {groupText.reviewApprove}
                </Button>
                <Button danger onClick={() => setRejecting(g)} data-testid="review-reject">
                  {groupText.reviewReject}
                </Button>
              </Flex>
            </Flex>
          </Card>
        )}
      />
      {list.data && list.data.total > 10 && (
        <Flex justify="center">
          <Pagination simple current={page} pageSize={10} total={list.data.total} onChange={setPage} />
        </Flex>
      )}
      <ReasonModal
        open={!!rejecting}
        title={groupText.rejectTitle}
        okText={groupText.reviewReject}
        onCancel={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (rejecting) await decide(rejecting, 'reject', reason);
          setRejecting(null);
        }}
      />
    </div>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a group by ID or name, shows its level, and promotes or demotes it with a reason. */
function LevelChanges({ isAdmin }: { isAdmin: boolean }) {
  const { message } = App.useApp();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [groupId, setGroupId] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const detail = useLoad(() => (groupId ? groupsApi.detail(groupId) : Promise.resolve(null)), [groupId, tick]);
  const [form] = Form.useForm<{ level: GroupLevel; reason: string }>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const levels = (Object.keys(LEVEL_NAMES) as GroupLevel[]).filter((l) => l !== 'pending' && (isAdmin || l !== 'advanced'));

  const search = async (text: string) => {
    const t = text.trim();
    if (!t) return setOptions([]);
    try {
      const r = await groupsApi.search(UUID.test(t) ? { id: t, pageSize: 10 } : { name: t.slice(0, 50), pageSize: 20 });
      setOptions(r.items.map((g) => ({ value: g.id, label: `${g.name}（${LEVEL_NAMES[g.level] ?? g.level}）` })));
    } catch {
      setOptions([]);
    }
  };

  const g: GroupDetail | null | undefined = detail.data;
  return (
    <Flex vertical gap={12}>
      <Select
        showSearch={{ filterOption: false, onSearch: (v) => void search(v) }}
        value={groupId}
        onChange={setGroupId}
        options={options}
        placeholder={groupText.findGroup}
        style={{ width: '100%', maxWidth: 480 }}
        notFoundContent={null}
        data-testid="level-group-search"
      />
      {!!detail.error && <Alert type="error" showIcon title={errorTitle(detail.error)} />}
      {g && (
        <Card size="small">
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'name', label: groupText.name, children: g.name },
              { key: 'level', label: groupText.level, children: <LevelTag level={g.level} name={g.levelName} /> },
              { key: 'type', label: groupText.type, children: groupTypeText[g.type] },
              { key: 'region', label: groupText.region, children: g.regionName ?? g.regionCode },
            ]}
          />
          <Form
            form={form}
            layout="vertical"
            onFinish={async (v) => {
              setBusy(true);
              setFailure(null);
              try {
                await groupsApi.setLevel(g.id, { level: v.level, reason: v.reason.trim() });
                void message.success(groupText.levelChanged);
                form.resetFields();
                setTick((t) => t + 1);
              } catch (err) {
                setFailure(toFailure(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            <Row gutter={12}>
              <Col xs={24} md={8}>
                <Form.Item name="level" label={groupText.levelTarget} rules={[{ required: true, message: groupText.levelTarget }]}>
                  <Select options={levels.map((l) => ({ value: l, label: LEVEL_NAMES[l], disabled: l === g.level }))} />
                </Form.Item>
              </Col>
              <Col xs={24} md={16}>
                <Form.Item name="reason" label={groupText.levelReason} rules={[{ required: true, whitespace: true, message: groupText.reasonRequired }]}>
                  <Input maxLength={500} />
                </Form.Item>
              </Col>
            </Row>
            <ProblemAlert failure={failure} />
            <Button type="primary" htmlType="submit" loading={busy}>
              {groupText.levelChange}
            </Button>
          </Form>
        </Card>
      )}
    </Flex>
  );
}

/** System administrators: an advanced group's jurisdiction (regions, service fields, universities). */
function JurisdictionEditor() {
  const { message } = App.useApp();
  const fields = useLoad(getServiceFields, []);
  const [form] = Form.useForm<{ groupId: string; regions: string[]; fields: string[]; universities: string[] }>();
  const [loaded, setLoaded] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const id = String(form.getFieldValue('groupId') ?? '').trim();
    if (!UUID.test(id)) {
      form.setFields([{ name: 'groupId', errors: [groupText.jurisdictionGroup] }]);
      return;
    }
    setFailure(null);
    try {
      const j = await groupsApi.jurisdiction(id);
      form.setFieldsValue({ regions: j.regions, fields: j.fields, universities: j.universities });
      setLoaded(id);
    } catch (err) {
      setLoaded(null);
      setFailure(toFailure(err));
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ regions: [], fields: [], universities: [] }}
      onFinish={async (v) => {
        if (!loaded) return;
        setBusy(true);
        setFailure(null);
        try {
          await groupsApi.setJurisdiction(loaded, { regions: v.regions, fields: v.fields, universities: v.universities });
          void message.success(groupText.jurisdictionSaved);
        } catch (err) {
          setFailure(toFailure(err));
        } finally {
          setBusy(false);
        }
      }}
      style={{ maxWidth: 640 }}
    >
      <Form.Item label={groupText.jurisdictionGroup} required>
        <Flex gap={8}>
          <Form.Item name="groupId" noStyle>
            <Input maxLength={36} style={{ flex: 1, minWidth: 0 }} />
          </Form.Item>
          <Button onClick={load}>{groupText.jurisdictionLoad}</Button>
        </Flex>
      </Form.Item>
      <Form.Item name="regions" label={groupText.jurisdictionRegions}>
        <Select mode="tags" tokenSeparators={[',', '，', ' ']} disabled={!loaded} />
      </Form.Item>
      <Form.Item name="fields" label={groupText.jurisdictionFields}>
        <Select mode="multiple" disabled={!loaded} options={(fields.data ?? []).map((f) => ({ value: f.code, label: f.name }))} />
      </Form.Item>
      <Form.Item name="universities" label={groupText.jurisdictionUniversities}>
        <Select mode="tags" tokenSeparators={[',', '，']} disabled={!loaded} />
      </Form.Item>
      <ProblemAlert failure={failure} />
      <Button type="primary" htmlType="submit" loading={busy} disabled={!loaded}>
        {groupText.save}
      </Button>
    </Form>
  );
}
