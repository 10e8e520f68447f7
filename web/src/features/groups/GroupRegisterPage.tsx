import { Button, Col, Divider, Form, Input, Radio, Result, Row, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { getServiceCategories, getSites } from '../../api/endpoints';
import { groupsApi } from '../../api/groups';
import { CaptchaFormItem, captchaFields, useCaptcha } from '../../shared/captcha';
import { isValidResidentId } from '../../shared/idNumber';
import { setLastSite } from '../../shared/lastSite';
import { Page } from '../../shared/Page';
import { PasswordRules } from '../../shared/PasswordRules';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { applyProblemToForm } from '../../shared/problemToForm';
import { useLoad } from '../../shared/useLoad';
import { RegionCascader } from '../register/RegionCascader';
import { registerText } from '../register/text';
import { SiteChooser } from '../register/SiteChooser';
import { isValidCreditCode, MAINLAND_MOBILE, SmsCodeField, USERNAME } from './common';
import { groupText } from './text';

interface GroupForm {
  name: string;
  legalPerson: boolean;
  creditCode?: string;
  region: string[];
  serviceCategories: string[];
  leaderName: string;
  leaderIdNumber: string;
  contactName: string;
  contactPhone: string;
  contactSmsCode: string;
  email: string;
  username: string;
  password: string;
  confirm: string;
  liaisonGroupId?: string;
  exemptPassword?: string;
  captchaAnswer?: string;
}

const FIELDS = [
  'name',
  'legalPerson',
  'creditCode',
  'region',
  'serviceCategories',
  'leaderName',
  'leaderIdNumber',
  'contactName',
  'contactPhone',
  'contactSmsCode',
  'email',
  'username',
  'password',
  'confirm',
  'liaisonGroupId',
  'exemptPassword',
  'captchaAnswer',
] as const;

/** /groups/register: choose the province (?site=), then register a volunteer group (seed 002 §1.2). */
export function GroupRegisterPage() {
  const [params, setParams] = useSearchParams();
  const siteCode = params.get('site');
  const sites = useLoad(getSites, []);
  const [done, setDone] = useState<{ username: string; siteCode: string } | null>(null);

  if (done) {
    return (
      <Page title={groupText.successTitle} width="medium">
        <Result
          status="success"
          title={<span data-testid="group-register-success">{groupText.successText}</span>}
          subTitle={groupText.successHint(done.username)}
          extra={
            <Link to={`/login?${new URLSearchParams({ as: 'group', site: done.siteCode, username: done.username }).toString()}`}>
              <Button type="primary" size="large">
                {groupText.toLogin}
              </Button>
            </Link>
          }
        />
      </Page>
    );
  }

  const site = sites.data?.find((s) => s.code === siteCode);
  if (!siteCode || (sites.data && !site)) {
    return (
      <SiteChooser
        title={groupText.chooseSiteTitle}
        hint={groupText.chooseSiteHint}
        onChoose={(code) => {
          setLastSite(code);
          setParams({ site: code });
        }}
      />
    );
  }
  return (
    <GroupRegisterForm
      key={siteCode}
      siteCode={siteCode}
      siteName={site?.name}
      onChangeSite={() => setParams({})}
      onDone={(username) => {
        window.scrollTo({ top: 0 });
        setDone({ username, siteCode });
      }}
    />
  );
}

/** Searches approved groups of the site by name, for the liaison group. */
function LiaisonPicker({ siteCode, value, onChange, id }: { siteCode: string; value?: string; onChange?: (v: string | undefined) => void; id?: string }) {
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = window.setTimeout(() => {
      groupsApi.search({ siteCode, name: query.trim() || undefined, pageSize: 20 }).then(
        (r) => {
          if (!live) return;
          setOptions(r.items.map((g) => ({ value: g.id, label: g.regionName ? `${g.name}（${g.regionName}）` : g.name })));
          setLoading(false);
        },
        () => live && setLoading(false),
      );
    }, 300);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [siteCode, query]);
  return (
    <Select
      id={id}
      value={value}
      onChange={(v) => onChange?.(v)}
      allowClear
      showSearch={{ filterOption: false, onSearch: setQuery }}
      loading={loading}
      options={options}
      placeholder={groupText.liaisonPlaceholder}
      notFoundContent={loading ? undefined : groupText.noGroups}
    />
  );
}

function GroupRegisterForm({
  siteCode,
  siteName,
  onChangeSite,
  onDone,
}: {
  siteCode: string;
  siteName: string | undefined;
  onChangeSite: () => void;
  onDone: (username: string) => void;
}) {
  const [form] = Form.useForm<GroupForm>();
  const captcha = useCaptcha();
  const categories = useLoad(getServiceCategories, []);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const legalPerson = Form.useWatch('legalPerson', form) ?? false;
  const username = Form.useWatch('username', form);
  const password = Form.useWatch('password', form);
  const half = { xs: 24, md: 12 } as const;

  const onFinish = async (v: GroupForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await groupsApi.register({
        siteCode,
        name: v.name.trim(),
        legalPerson: v.legalPerson,
        ...(v.legalPerson ? { creditCode: (v.creditCode ?? '').trim().toUpperCase() } : {}),
        regionCode: v.region[v.region.length - 1]!,
        serviceCategories: v.serviceCategories,
        leaderName: v.leaderName.trim(),
        leaderIdNumber: v.leaderIdNumber.trim().toUpperCase(),
        contactName: v.contactName.trim(),
        contactPhone: v.contactPhone.trim(),
        contactSmsCode: v.contactSmsCode.trim(),
        email: v.email.trim(),
        username: v.username.trim(),
        password: v.password,
        ...(v.liaisonGroupId ? { liaisonGroupId: v.liaisonGroupId } : {}),
        ...(v.exemptPassword?.trim() ? { exemptPassword: v.exemptPassword.trim() } : {}),
        ...captchaFields(captcha, v.captchaAnswer),
      });
      setLastSite(siteCode);
      onDone(v.username.trim());
    } catch (err) {
      captcha.refresh();
      form.setFieldValue('captchaAnswer', '');
      applyProblemToForm(form, err, {
        fields: FIELDS,
        aliases: { regionCode: 'region', captchaId: 'captchaAnswer' },
        codeFields: {
          USERNAME_TAKEN: 'username',
          GROUP_NAME_TAKEN: 'name',
          CREDIT_CODE_REGISTERED: 'creditCode',
          CREDIT_CODE_INVALID: 'creditCode',
          ID_NUMBER_INVALID: 'leaderIdNumber',
          SMS_CODE_INVALID: 'contactSmsCode',
          SMS_CODE_EXPIRED: 'contactSmsCode',
          CAPTCHA_INVALID: 'captchaAnswer',
          PASSWORD_POLICY: 'password',
        },
      });
      setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Page
      title={siteName ? groupText.registerTitle(siteName) : groupText.registerTitleNoSite}
      docTitle={groupText.registerTitleNoSite}
      width="medium"
      extra={
        <Button type="link" onClick={onChangeSite} style={{ paddingInline: 0 }}>
          {groupText.changeSite}
        </Button>
      }
    >
      <Form<GroupForm>
        form={form}
        layout="vertical"
        size="large"
        onFinish={onFinish}
        onFinishFailed={({ errorFields }) => {
          const first = errorFields[0]?.name;
          if (first) form.scrollToField(first, { block: 'center' });
        }}
        initialValues={{ legalPerson: false, serviceCategories: [] }}
        autoComplete="off"
        data-testid="group-register-form"
      >
        <Divider titlePlacement="start" style={{ marginTop: 0 }}>
          {groupText.sectionGroup}
        </Divider>
        <Form.Item name="name" label={groupText.name} rules={[{ required: true, whitespace: true, message: groupText.nameRequired }]}>
          <Input placeholder={groupText.namePlaceholder} maxLength={100} />
        </Form.Item>
        <Form.Item name="legalPerson" label={groupText.legalPerson} extra={groupText.legalPersonHint}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: false, label: groupText.legalNo },
              { value: true, label: groupText.legalYes },
            ]}
          />
        </Form.Item>
        {legalPerson && (
          <Form.Item
            name="creditCode"
            label={groupText.creditCode}
            normalize={(v: string) => v?.toUpperCase()}
            rules={[
              { required: true, whitespace: true, message: groupText.creditCodeRequired },
              {
                validator: (_, value: string | undefined) =>
                  !value || isValidCreditCode(value) ? Promise.resolve() : Promise.reject(new Error(groupText.creditCodeInvalid)),
              },
            ]}
          >
            <Input placeholder={groupText.creditCodePlaceholder} maxLength={18} />
          </Form.Item>
        )}
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="region" label={groupText.region} rules={[{ required: true, type: 'array', min: 1, message: groupText.regionRequired }]}>
              <RegionCascader siteCode={siteCode} placeholder={groupText.regionPlaceholder} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="serviceCategories"
              label={groupText.categories}
              rules={[{ required: true, type: 'array', min: 1, message: groupText.categoriesRequired }]}
            >
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={groupText.categoriesPlaceholder}
                loading={categories.loading}
                options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
              />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{groupText.sectionLeader}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="leaderName" label={groupText.leaderName} rules={[{ required: true, whitespace: true, message: groupText.leaderNameRequired }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="leaderIdNumber"
              label={groupText.leaderIdNumber}
              rules={[
                { required: true, whitespace: true, message: groupText.leaderIdRequired },
                {
                  validator: (_, value: string | undefined) =>
                    !value?.trim() || isValidResidentId(value) ? Promise.resolve() : Promise.reject(new Error(groupText.leaderIdInvalid)),
                },
              ]}
            >
              <Input maxLength={18} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{groupText.sectionContact}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="contactName" label={groupText.contactName} rules={[{ required: true, whitespace: true, message: groupText.contactNameRequired }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="contactPhone"
              label={groupText.contactPhone}
              rules={[
                { required: true, whitespace: true, message: groupText.contactPhoneRequired },
                { pattern: MAINLAND_MOBILE, message: registerText.phoneInvalid },
              ]}
            >
              <Input inputMode="tel" autoComplete="tel" maxLength={11} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <SmsCodeField form={form} phoneField="contactPhone" codeField="contactSmsCode" purpose="contact" />
          </Col>
          <Col {...half}>
            <Form.Item
              name="email"
              label={groupText.email}
              rules={[
                { required: true, whitespace: true, message: groupText.emailRequired },
                { type: 'email', message: registerText.emailInvalid },
              ]}
            >
              <Input placeholder={groupText.emailPlaceholder} inputMode="email" autoComplete="email" maxLength={100} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{groupText.sectionAccount}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="username"
              label={groupText.username}
              extra={groupText.usernameHint}
              rules={[
                { required: true, whitespace: true, message: registerText.usernameRequired },
                { pattern: USERNAME, message: registerText.usernameInvalid },
              ]}
            >
              <Input autoComplete="username" maxLength={20} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="password"
              label={groupText.password}
              rules={[{ required: true, message: registerText.passwordRequired }]}
              extra={<PasswordRules siteCode={siteCode} password={password} username={username} accountType="group" />}
            >
              <Input.Password autoComplete="new-password" maxLength={64} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="confirm"
              label={registerText.confirm}
              dependencies={['password']}
              rules={[
                { required: true, message: registerText.confirmRequired },
                ({ getFieldValue }) => ({
                  validator: (_, value: string | undefined) =>
                    !value || value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(registerText.confirmMismatch)),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" maxLength={64} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{groupText.sectionOptional}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="liaisonGroupId" label={groupText.liaison} extra={groupText.liaisonHint}>
              <LiaisonPicker siteCode={siteCode} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="exemptPassword"
              label={groupText.exemptPassword}
              extra={groupText.exemptPasswordHint}
              rules={[{ min: 4, message: groupText.exemptTooShort }]}
            >
              <Input.Password placeholder={groupText.exemptPasswordPlaceholder} autoComplete="off" maxLength={32} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col {...half}>
            <CaptchaFormItem state={captcha} />
          </Col>
        </Row>

        <ProblemAlert failure={failure} />
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {groupText.agreement}
        </Typography.Paragraph>
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {groupText.submit}
          </Button>
        </Form.Item>
      </Form>
    </Page>
  );
}
