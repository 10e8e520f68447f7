import { SearchOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Empty, Flex, Form, Grid, Input, InputNumber, List, Row, Select, Segmented, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { getServiceCategories, getSites } from '../../api/endpoints';
import { groupsApi, type GroupSearchQuery, type GroupSort, type GroupSummary, type GroupType } from '../../api/groups';
import { getLastSite } from '../../shared/lastSite';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { RegionCascader } from '../register/RegionCascader';
import { formatDate, formatHours, LevelTag, useCategoryNames } from './common';
import { groupText, groupTypeText } from './text';

interface FilterForm {
  siteCode?: string;
  region?: string[];
  category?: string;
  type?: GroupType;
  minMembers?: number | null;
  maxMembers?: number | null;
  id?: string;
  name?: string;
  registered?: [Dayjs | null, Dayjs | null] | null;
}

const PAGE_SIZE = 10;

function queryFromParams(p: URLSearchParams): GroupSearchQuery {
  const num = (k: string) => (p.get(k) ? Number(p.get(k)) : undefined);
  return {
    siteCode: p.get('siteCode') || undefined,
    regionCode: p.get('regionCode') || undefined,
    category: p.get('category') || undefined,
    type: (p.get('type') as GroupType) || undefined,
    minMembers: num('minMembers'),
    maxMembers: num('maxMembers'),
    id: p.get('id') || undefined,
    name: p.get('name') || undefined,
    registeredFrom: p.get('registeredFrom') || undefined,
    registeredTo: p.get('registeredTo') || undefined,
    sort: (p.get('sort') as GroupSort) || 'newest',
    page: num('page') ?? 1,
    pageSize: PAGE_SIZE,
  };
}

/** /groups: 志愿团体 search (seed 002 §2.1.7.1 图 2-44). */
export function GroupSearchPage() {
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const desktop = !!screens.md;
  const query = queryFromParams(params);
  const key = JSON.stringify(query);
  const result = useLoad(() => groupsApi.search(query), [key]);
  const sites = useLoad(getSites, []);
  const categories = useLoad(getServiceCategories, []);
  const categoryNames = useCategoryNames();
  const [form] = Form.useForm<FilterForm>();
  const siteCode = Form.useWatch('siteCode', form);
  const [more, setMore] = useState(false);

  const push = (next: Partial<GroupSearchQuery>) => {
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...query, pageSize: undefined, ...next })) {
      if (v !== undefined && v !== null && v !== '') merged[k] = String(v);
    }
    if (merged.sort === 'newest') delete merged.sort;
    if (merged.page === '1') delete merged.page;
    setParams(merged);
  };

  const onSearch = (v: FilterForm) => {
    push({
      siteCode: v.siteCode || undefined,
      regionCode: v.region?.length ? v.region[v.region.length - 1] : undefined,
      category: v.category || undefined,
      type: v.type || undefined,
      minMembers: v.minMembers ?? undefined,
      maxMembers: v.maxMembers ?? undefined,
      id: v.id?.trim() || undefined,
      name: v.name?.trim() || undefined,
      registeredFrom: v.registered?.[0]?.format('YYYY-MM-DD'),
      registeredTo: v.registered?.[1]?.format('YYYY-MM-DD'),
      page: 1,
    });
  };

  const initial: FilterForm = {
    siteCode: query.siteCode ?? (params.size === 0 ? getLastSite() : undefined),
    category: query.category,
    type: query.type,
    minMembers: query.minMembers,
    maxMembers: query.maxMembers,
    id: query.id,
    name: query.name,
    registered: query.registeredFrom || query.registeredTo ? [query.registeredFrom ? dayjs(query.registeredFrom) : null, query.registeredTo ? dayjs(query.registeredTo) : null] : null,
  };

  const data = result.data;
  const half = { xs: 24, sm: 12, lg: 8 } as const;

  const nameLink = (g: GroupSummary) => (
    <Link to={`/groups/${encodeURIComponent(g.id)}`} data-testid="group-link" data-group-id={g.id}>
      {g.name}
    </Link>
  );

  return (
    <Page
      title={
        <span>
          <TeamOutlined /> {groupText.searchTitle}
        </span>
      }
      docTitle={groupText.searchTitle}
      width="wide"
      extra={
        <Link to="/groups/register">
          <Button type="link" style={{ paddingInline: 0 }}>
            {groupText.registerGroup}
          </Button>
        </Link>
      }
    >
      <Form<FilterForm> form={form} layout="vertical" initialValues={initial} onFinish={onSearch} data-testid="group-filters">
        <Row gutter={12}>
          <Col {...half}>
            <Form.Item name="siteCode" label={groupText.site}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={groupText.sitePlaceholder}
                options={(sites.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
                onChange={() => form.setFieldValue('region', [])}
              />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="region" label={groupText.region}>
              {siteCode ? (
                <RegionCascader siteCode={siteCode} placeholder={groupText.regionPlaceholder} allowClear />
              ) : (
                <Select disabled placeholder={groupText.anyRegion} />
              )}
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="name" label={groupText.groupName}>
              <Input allowClear placeholder={groupText.groupNamePlaceholder} maxLength={50} data-testid="filter-name" />
            </Form.Item>
          </Col>
          {(more || desktop) && (
            <>
              <Col {...half}>
                <Form.Item name="category" label={groupText.category}>
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
                  />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="type" label={groupText.type}>
                  <Select
                    allowClear
                    options={(Object.keys(groupTypeText) as GroupType[]).map((t) => ({ value: t, label: groupTypeText[t] }))}
                  />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item label={groupText.members}>
                  <Flex gap={8} align="center">
                    <Form.Item name="minMembers" noStyle>
                      <InputNumber min={0} precision={0} placeholder={groupText.minMembers} style={{ flex: 1, minWidth: 0 }} />
                    </Form.Item>
                    <span>—</span>
                    <Form.Item name="maxMembers" noStyle>
                      <InputNumber min={0} precision={0} placeholder={groupText.maxMembers} style={{ flex: 1, minWidth: 0 }} />
                    </Form.Item>
                  </Flex>
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item
                  name="id"
                  label={groupText.groupId}
                  rules={[{ pattern: /^\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\s*$/, message: groupText.groupIdInvalid }]}
                >
                  <Input allowClear placeholder={groupText.groupIdPlaceholder} maxLength={64} />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="registered" label={groupText.registeredAt}>
                  <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} inputReadOnly={!desktop} />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="group-search">
            {groupText.search}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({ siteCode: undefined, region: [], category: undefined, type: undefined, minMembers: null, maxMembers: null, id: '', name: '', registered: null });
              setParams({});
            }}
          >
            {groupText.reset}
          </Button>
          {!desktop && (
            <Button type="link" onClick={() => setMore((m) => !m)}>
              {more ? groupText.fewerFilters : groupText.moreFilters}
            </Button>
          )}
        </Flex>
      </Form>

      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary" data-testid="group-total">
          {data ? groupText.total(data.total, data.totalCapped || data.totalIsEstimate) : ' '}
        </Typography.Text>
        <Segmented<GroupSort>
          value={query.sort ?? 'newest'}
          onChange={(sort) => push({ sort, page: 1 })}
          options={(Object.keys(groupText.sorts) as GroupSort[]).map((s) => ({ value: s, label: groupText.sorts[s] }))}
        />
      </Flex>

      {result.error ? (
        <Alert type="error" showIcon title={errorTitle(result.error)} action={<Button onClick={result.reload}>{commonText.retry}</Button>} />
      ) : desktop ? (
        <Table<GroupSummary>
          rowKey="id"
          size="middle"
          loading={result.loading}
          dataSource={data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={groupText.noGroups} /> }}
          columns={[
            { title: groupText.groupName, key: 'name', render: (_, g) => nameLink(g) },
            { title: groupText.region, dataIndex: 'regionName', render: (v: string | null, g) => v ?? g.regionCode },
            { title: groupText.type, dataIndex: 'type', width: 100, render: (t: GroupType) => groupTypeText[t] ?? t },
            { title: groupText.category, dataIndex: 'serviceCategories', ellipsis: true, render: (c: string[]) => categoryNames(c) },
            { title: groupText.memberCount, dataIndex: 'memberCount', width: 80, align: 'right' },
            { title: groupText.totalHours, dataIndex: 'totalHours', width: 100, align: 'right', render: (h: number) => formatHours(h) },
            { title: groupText.level, dataIndex: 'level', width: 140, render: (_, g) => <LevelTag level={g.level} name={g.levelName} /> },
            { title: groupText.createdAt, dataIndex: 'createdAt', width: 110, render: (d: string) => formatDate(d) },
          ]}
        />
      ) : (
        <List<GroupSummary>
          loading={result.loading}
          dataSource={data?.items ?? []}
          locale={{ emptyText: <Empty description={groupText.noGroups} /> }}
          renderItem={(g) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="group-card">
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} align="start">
                  <Typography.Text strong style={{ fontSize: 16, minWidth: 0 }}>
                    {nameLink(g)}
                  </Typography.Text>
                  <LevelTag level={g.level} name={g.levelName} />
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {g.regionName ?? g.regionCode} · {groupTypeText[g.type] ?? g.type}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis>
                  {categoryNames(g.serviceCategories)}
                </Typography.Text>
                <Flex gap={6} wrap>
                  <Tag>
                    {groupText.memberCount} {g.memberCount}
                    {groupText.peopleUnit}
                  </Tag>
                  <Tag>
                    {groupText.totalHours} {formatHours(g.totalHours)}
                    {groupText.hoursUnit}
                  </Tag>
                  <Tag>{formatDate(g.createdAt)}</Tag>
                </Flex>
              </Flex>
            </Card>
          )}
        />
      )}
      <PageFooter
        total={data?.total}
        page={query.page ?? 1}
        pageSize={PAGE_SIZE}
        onChange={(page) => {
          push({ page });
          window.scrollTo({ top: 0 });
        }}
        marginTop={16}
        simple={!desktop}
        showSizeChanger={false}
      />
    </Page>
  );
}
