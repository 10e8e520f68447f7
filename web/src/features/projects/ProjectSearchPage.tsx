import { AimOutlined, EnvironmentOutlined, FlagOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Empty, Flex, Form, Grid, Input, InputNumber, List, Row, Segmented, Select, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { getServiceCategories, getSites } from '../../api/endpoints';
import { projectsApi, type EnrollmentScope, type ProjectSearchQuery, type ProjectSort, type ProjectSummary } from '../../api/projects';
import { getLastSite } from '../../shared/lastSite';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { RegionCascader } from '../register/RegionCascader';
import { errorTitle, ProjectStatusTag, useCategoryNames } from './common';
import { projectText as T, scopeText, statusText, targetText } from './text';

interface FilterForm {
  siteCode?: string;
  region?: string[];
  category?: string;
  status?: ProjectSearchQuery['status'];
  enrollmentScope?: EnrollmentScope;
  serviceTarget?: string;
  minQuota?: number | null;
  maxQuota?: number | null;
  id?: string;
  name?: string;
  dates?: [Dayjs | null, Dayjs | null] | null;
}

const PAGE_SIZE = 10;
const RADII = [1, 3, 5, 10, 20, 50];
const UUID = /^\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\s*$/;

function queryFromParams(p: URLSearchParams): ProjectSearchQuery {
  const num = (k: string) => (p.get(k) ? Number(p.get(k)) : undefined);
  return {
    siteCode: p.get('siteCode') || undefined,
    regionCode: p.get('regionCode') || undefined,
    category: p.get('category') || undefined,
    status: (p.get('status') as ProjectSearchQuery['status']) || undefined,
    enrollmentScope: (p.get('enrollmentScope') as EnrollmentScope) || undefined,
    serviceTarget: p.get('serviceTarget') || undefined,
    minQuota: num('minQuota'),
    maxQuota: num('maxQuota'),
    id: p.get('id') || undefined,
    name: p.get('name') || undefined,
    from: p.get('from') || undefined,
    to: p.get('to') || undefined,
    near: p.get('near') || undefined,
    radiusKm: p.get('near') ? (num('radiusKm') ?? 10) : undefined,
    sort: (p.get('sort') as ProjectSort) || undefined,
    page: num('page') ?? 1,
    pageSize: PAGE_SIZE,
  };
}

function Cover({ url, size }: { url?: string | null; size: number }) {
  if (!url) return null;
  return (
    <img
      src={url}
      alt=""
      loading="lazy"
      style={{ width: size, height: Math.round(size * 0.66), objectFit: 'cover', borderRadius: 6, flex: 'none', background: '#f5f5f5' }}
    />
  );
}

/** /projects: 志愿项目 search (seed 002 §2.1.8.1 图 2-48), with 'near me'. */
export function ProjectSearchPage() {
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const desktop = !!screens.md;
  const query = queryFromParams(params);
  const key = JSON.stringify(query);
  const result = useLoad(() => projectsApi.search(query), [key]);
  const sites = useLoad(getSites, []);
  const categories = useLoad(getServiceCategories, []);
  const categoryNames = useCategoryNames();
  const [form] = Form.useForm<FilterForm>();
  const siteCode = Form.useWatch('siteCode', form);
  const [more, setMore] = useState(false);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);

  const push = (next: Partial<ProjectSearchQuery>) => {
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...query, pageSize: undefined, ...next })) {
      if (v !== undefined && v !== null && v !== '') merged[k] = String(v);
    }
    if (!merged.near) delete merged.radiusKm;
    if (merged.page === '1') delete merged.page;
    setParams(merged);
  };

  const onSearch = (v: FilterForm) => {
    push({
      siteCode: v.siteCode || undefined,
      regionCode: v.region?.length ? v.region[v.region.length - 1] : undefined,
      category: v.category || undefined,
      status: v.status || undefined,
      enrollmentScope: v.enrollmentScope || undefined,
      serviceTarget: v.serviceTarget || undefined,
      minQuota: v.minQuota ?? undefined,
      maxQuota: v.maxQuota ?? undefined,
      id: v.id?.trim() || undefined,
      name: v.name?.trim() || undefined,
      from: v.dates?.[0]?.format('YYYY-MM-DD'),
      to: v.dates?.[1]?.format('YYYY-MM-DD'),
      page: 1,
    });
  };

  const nearMe = () => {
    setGeoError(null);
    if (!('geolocation' in navigator)) {
      setGeoError(T.noGeolocation);
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        const near = `${pos.coords.latitude.toFixed(5)},${pos.coords.longitude.toFixed(5)}`;
        push({ near, radiusKm: query.radiusKm ?? 10, sort: 'distance', page: 1 });
      },
      () => {
        setLocating(false);
        setGeoError(T.geolocationDenied);
      },
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  };

  const initial: FilterForm = {
    siteCode: query.siteCode ?? (params.size === 0 ? getLastSite() : undefined),
    category: query.category,
    status: query.status,
    enrollmentScope: query.enrollmentScope,
    serviceTarget: query.serviceTarget,
    minQuota: query.minQuota,
    maxQuota: query.maxQuota,
    id: query.id,
    name: query.name,
    dates: query.from || query.to ? [query.from ? dayjs(query.from) : null, query.to ? dayjs(query.to) : null] : null,
  };

  const data = result.data;
  const half = { xs: 24, sm: 12, lg: 8 } as const;
  const sortOptions: ProjectSort[] = query.near ? ['distance', 'newest', 'start'] : ['newest', 'start'];
  const sort = query.sort ?? (query.near ? 'distance' : 'newest');

  const nameLink = (p: ProjectSummary) => (
    <Link to={`/projects/${encodeURIComponent(p.id)}`} data-testid="project-link" data-project-id={p.id}>
      {p.name}
    </Link>
  );
  const dates = (p: ProjectSummary) => T.dateRange(p.startDate, p.endDate);

  return (
    <Page
      title={
        <span>
          <FlagOutlined /> {T.searchTitle}
        </span>
      }
      docTitle={T.searchTitle}
      width="wide"
      extra={
        <Link to="/me/projects">
          <Button type="link" style={{ paddingInline: 0 }}>
            {T.myProjects}
          </Button>
        </Link>
      }
    >
      <Form<FilterForm> form={form} layout="vertical" initialValues={initial} onFinish={onSearch} data-testid="project-filters">
        <Row gutter={12}>
          <Col {...half}>
            <Form.Item name="name" label={T.name}>
              <Input allowClear placeholder={T.namePlaceholder} maxLength={50} data-testid="filter-name" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="siteCode" label={T.site}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={T.sitePlaceholder}
                options={(sites.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
                onChange={() => form.setFieldValue('region', [])}
              />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="region" label={T.region}>
              {siteCode ? <RegionCascader siteCode={siteCode} placeholder={T.regionPlaceholder} allowClear /> : <Select disabled placeholder={T.anyRegion} />}
            </Form.Item>
          </Col>
          {(more || desktop) && (
            <>
              <Col {...half}>
                <Form.Item name="category" label={T.category}>
                  <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))} />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="status" label={T.status}>
                  <Select
                    allowClear
                    options={(['recruiting', 'in_progress', 'finished', 'cancelled'] as const).map((s) => ({ value: s, label: statusText[s]!.label }))}
                  />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="enrollmentScope" label={T.scope}>
                  <Select allowClear options={Object.entries(scopeText).map(([value, label]) => ({ value, label }))} />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="serviceTarget" label={T.target}>
                  <Select allowClear options={Object.entries(targetText).map(([value, label]) => ({ value, label }))} />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item label={T.quota}>
                  <Flex gap={8} align="center">
                    <Form.Item name="minQuota" noStyle>
                      <InputNumber min={0} precision={0} placeholder={T.minQuota} style={{ flex: 1, minWidth: 0 }} />
                    </Form.Item>
                    <span>—</span>
                    <Form.Item name="maxQuota" noStyle>
                      <InputNumber min={0} precision={0} placeholder={T.maxQuota} style={{ flex: 1, minWidth: 0 }} />
                    </Form.Item>
                  </Flex>
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="dates" label={T.dates}>
                  <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} inputReadOnly={!desktop} />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="id" label={T.projectId} rules={[{ pattern: UUID, message: T.projectIdInvalid }]}>
                  <Input allowClear maxLength={64} />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="project-search">
            {T.search}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({
                siteCode: undefined, region: [], category: undefined, status: undefined, enrollmentScope: undefined, serviceTarget: undefined,
                minQuota: null, maxQuota: null, id: '', name: '', dates: null,
              });
              setParams({});
            }}
          >
            {T.reset}
          </Button>
          {!desktop && (
            <Button type="link" onClick={() => setMore((m) => !m)}>
              {more ? T.fewerFilters : T.moreFilters}
            </Button>
          )}
        </Flex>
      </Form>

      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }} data-testid="near-me">
        <Button icon={<AimOutlined />} loading={locating} onClick={nearMe} type={query.near ? 'primary' : 'default'} ghost={!!query.near}>
          {locating ? T.locating : T.nearMe}
        </Button>
        {query.near && (
          <>
            <Select<number>
              value={query.radiusKm ?? 10}
              style={{ width: 120 }}
              aria-label={T.radius}
              options={RADII.map((r) => ({ value: r, label: T.radiusKm(r) }))}
              onChange={(radiusKm) => push({ radiusKm, page: 1 })}
            />
            <Button type="link" onClick={() => push({ near: undefined, radiusKm: undefined, sort: undefined, page: 1 })}>
              {T.clearNear}
            </Button>
          </>
        )}
      </Flex>
      {geoError && <Alert type="warning" showIcon title={geoError} style={{ marginBottom: 12 }} closable onClose={() => setGeoError(null)} />}

      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary" data-testid="project-total">
          {data ? T.total(data.total, data.totalCapped) : ' '}
        </Typography.Text>
        <Segmented<ProjectSort>
          value={sort}
          onChange={(s) => push({ sort: s, page: 1 })}
          options={sortOptions.map((s) => ({ value: s, label: T.sorts[s] }))}
        />
      </Flex>

      {result.error ? (
        <Alert type="error" showIcon title={errorTitle(result.error)} action={<Button onClick={result.reload}>{commonText.retry}</Button>} />
      ) : desktop ? (
        <Table<ProjectSummary>
          rowKey="id"
          size="middle"
          loading={result.loading}
          dataSource={data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={T.noProjects} /> }}
          columns={[
            {
              title: T.name,
              key: 'name',
              render: (_, p) => (
                <Flex gap={12} align="center">
                  <Cover url={p.coverUrl} size={72} />
                  {nameLink(p)}
                </Flex>
              ),
            },
            { title: T.region, dataIndex: 'regionName', width: 140, render: (v: string, p) => v || p.regionCode },
            { title: T.category, dataIndex: 'category', width: 110, render: (c: string) => categoryNames([c]) },
            { title: T.dates, key: 'dates', width: 200, render: (_, p) => dates(p) },
            { title: T.quota, key: 'quota', width: 100, align: 'right', render: (_, p) => `${p.enrolledCount}/${p.totalQuota}` },
            ...(query.near
              ? [{ title: T.distanceCol, key: 'distance', width: 100, render: (_: unknown, p: ProjectSummary) => (p.distanceKm == null ? '—' : T.distance(p.distanceKm)) }]
              : []),
            { title: T.status, dataIndex: 'status', width: 100, render: (s: string) => <ProjectStatusTag status={s} /> },
          ]}
        />
      ) : (
        <List<ProjectSummary>
          loading={result.loading}
          dataSource={data?.items ?? []}
          locale={{ emptyText: <Empty description={T.noProjects} /> }}
          renderItem={(p) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="project-card" styles={{ body: { padding: 12 } }}>
              <Flex gap={10} align="start">
                <Cover url={p.coverUrl} size={88} />
                <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
                  <Flex justify="space-between" gap={8} align="start">
                    <Typography.Text strong style={{ fontSize: 16, minWidth: 0 }}>
                      {nameLink(p)}
                    </Typography.Text>
                    <ProjectStatusTag status={p.status} />
                  </Flex>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {dates(p)}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis>
                    <EnvironmentOutlined /> {p.regionName || p.regionCode} · {p.address}
                  </Typography.Text>
                  <Flex gap={6} wrap>
                    <Tag style={{ marginInlineEnd: 0 }}>{categoryNames([p.category])}</Tag>
                    <Tag style={{ marginInlineEnd: 0 }}>{T.enrolledOf(p.enrolledCount, p.totalQuota)}</Tag>
                    {p.distanceKm != null && (
                      <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                        {T.distance(p.distanceKm)}
                      </Tag>
                    )}
                  </Flex>
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
