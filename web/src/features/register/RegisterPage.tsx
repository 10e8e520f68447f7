import { Alert, Button, Col, Divider, Form, Input, Result, Row, Select, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router-dom';
import { ApiError, errorTitle } from '../../api/client';
import { getServiceCategories, getServiceFields, getSites, registerVolunteer } from '../../api/endpoints';
import type { IdType, RegionLevel, RegisterVolunteerResult } from '../../api/types';
import { useSession } from '../../app/session';
import { CaptchaFormItem, captchaFields, useCaptcha } from '../../shared/captcha';
import { isValidResidentId } from '../../shared/idNumber';
import { setLastSite } from '../../shared/lastSite';
import { Page } from '../../shared/Page';
import { PasswordRules } from '../../shared/PasswordRules';
import { applyProblemToForm } from '../../shared/problemToForm';
import { useLoad } from '../../shared/useLoad';
import { RegionCascader, SERVICE_REGION_LEVELS } from './RegionCascader';
import { SiteChooser } from './SiteChooser';
import { registerText } from './text';

interface RegisterForm {
  username: string;
  password: string;
  confirm: string;
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  email: string;
  serviceRegion: string[];
  serviceCategories: string[];
  serviceFields?: string[];
  skills?: string[];
  captchaAnswer?: string;
}

const USERNAME = /^(?!\d+$)[A-Za-z0-9_]{4,20}$/;
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const ANY_PHONE = /^\+?[\d\- ]{6,20}$/;

const FORM_FIELDS = [
  'username',
  'password',
  'confirm',
  'name',
  'idType',
  'idNumber',
  'phone',
  'email',
  'serviceRegion',
  'serviceCategories',
  'serviceFields',
  'skills',
  'captchaAnswer',
] as const;

/** /register: choose the province (?site=), then fill in the form (seed 002 §2.1.1). */
export function RegisterPage() {
  const [params, setParams] = useSearchParams();
  const session = useSession();
  const siteCode = params.get('site');
  const sites = useLoad(getSites, []);
  const [done, setDone] = useState<RegisterVolunteerResult | null>(null);

  if (session.status === 'signedIn' && !done) return <Navigate to="/" replace />;

  if (done) {
    return (
      <Page title={registerText.successTitle} width="medium">
        <Result
          status="success"
          title={registerText.successText}
          subTitle={
            <>
              <div data-testid="register-username">{registerText.successUsername(done.username)}</div>
              <div>{registerText.successNumber}</div>
            </>
          }
          extra={
            <Link to={`/login?${new URLSearchParams({ site: siteCode ?? '', username: done.username }).toString()}`}>
              <Button type="primary" size="large">
                {registerText.toLogin}
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
        onChoose={(code) => {
          setLastSite(code);
          setParams({ site: code });
        }}
      />
    );
  }
  return (
    <RegisterFormPage
      key={siteCode}
      siteCode={siteCode}
      siteName={site?.name}
      onChangeSite={() => setParams({})}
      onDone={setDone}
    />
  );
}

interface FormPageProps {
  siteCode: string;
  siteName: string | undefined;
  onChangeSite: () => void;
  onDone: (result: RegisterVolunteerResult) => void;
}

function RegisterFormPage({ siteCode, siteName, onChangeSite, onDone }: FormPageProps) {
  const [form] = Form.useForm<RegisterForm>();
  const captcha = useCaptcha();
  const categories = useLoad(getServiceCategories, []);
  const fields = useLoad(getServiceFields, []);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<{ title: string; code: string } | null>(null);
  const [regionError, setRegionError] = useState(false);
  const regionLevel = useRef<RegionLevel | undefined>(undefined);
  const username = Form.useWatch('username', form);
  const password = Form.useWatch('password', form);
  const idType = Form.useWatch('idType', form) ?? 'resident_id';

  const onFinish = async (values: RegisterForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      const idNumber = values.idNumber.trim();
      const result = await registerVolunteer({
        siteCode,
        username: values.username.trim(),
        password: values.password,
        name: values.name.trim(),
        idType: values.idType,
        idNumber: values.idType === 'resident_id' ? idNumber.toUpperCase() : idNumber,
        phone: values.phone.trim(),
        email: values.email.trim(),
        serviceRegionCode: values.serviceRegion[values.serviceRegion.length - 1]!,
        serviceCategories: values.serviceCategories,
        ...(values.serviceFields?.length ? { serviceFields: values.serviceFields } : {}),
        ...(values.skills?.length ? { skills: values.skills.map((s) => s.trim()).filter(Boolean) } : {}),
        ...captchaFields(captcha, values.captchaAnswer),
      });
      setLastSite(siteCode);
      window.scrollTo({ top: 0 });
      onDone(result);
    } catch (err) {
      captcha.refresh();
      form.setFieldValue('captchaAnswer', '');
      applyProblemToForm(form, err, {
        fields: FORM_FIELDS,
        aliases: { serviceRegionCode: 'serviceRegion', captchaId: 'captchaAnswer' },
        codeFields: {
          USERNAME_TAKEN: 'username',
          ID_NUMBER_INVALID: 'idNumber',
          ID_NUMBER_REGISTERED: 'idNumber',
          CAPTCHA_INVALID: 'captchaAnswer',
          PASSWORD_POLICY: 'password',
        },
      });
      setFailure({ title: errorTitle(err), code: err instanceof ApiError ? err.code : '' });
    } finally {
      setSubmitting(false);
    }
  };

  const half = { xs: 24, md: 12 } as const;
  const idTypeOptions = (Object.keys(registerText.idTypes) as IdType[]).map((value) => ({ value, label: registerText.idTypes[value] }));

  return (
    <Page
      title={siteName ? registerText.formTitle(siteName) : registerText.formTitleNoSite}
      docTitle={registerText.formTitleNoSite}
      width="medium"
      extra={
        <Button type="link" onClick={onChangeSite} style={{ paddingInline: 0 }}>
          {registerText.changeSite}
        </Button>
      }
    >
      <Form<RegisterForm>
        form={form}
        layout="vertical"
        size="large"
        onFinish={onFinish}
        onFinishFailed={({ errorFields }) => {
          const first = errorFields[0]?.name;
          if (first) form.scrollToField(first, { block: 'center' });
        }}
        initialValues={{ idType: 'resident_id', serviceCategories: [], skills: [] }}
        scrollToFirstError={false}
        autoComplete="off"
      >
        <Divider titlePlacement="start" style={{ marginTop: 0 }}>
          {registerText.sectionAccount}
        </Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="username"
              label={registerText.username}
              extra={registerText.usernameHint}
              rules={[
                { required: true, whitespace: true, message: registerText.usernameRequired },
                { pattern: USERNAME, message: registerText.usernameInvalid },
              ]}
            >
              <Input placeholder={registerText.usernamePlaceholder} autoComplete="username" maxLength={20} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="password"
              label={registerText.password}
              rules={[{ required: true, message: registerText.passwordRequired }]}
              extra={<PasswordRules siteCode={siteCode} password={password} username={username} accountType="volunteer" />}
            >
              <Input.Password placeholder={registerText.passwordPlaceholder} autoComplete="new-password" maxLength={64} />
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
              <Input.Password placeholder={registerText.confirmPlaceholder} autoComplete="new-password" maxLength={64} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{registerText.sectionIdentity}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="name" label={registerText.name} rules={[{ required: true, whitespace: true, message: registerText.nameRequired }]}>
              <Input placeholder={registerText.namePlaceholder} autoComplete="name" maxLength={50} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="idType" label={registerText.idType} rules={[{ required: true }]}>
              <Select options={idTypeOptions} onChange={() => form.getFieldValue('idNumber') && void form.validateFields(['idNumber'])} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item
              name="idNumber"
              label={registerText.idNumber}
              dependencies={['idType']}
              rules={[
                { required: true, whitespace: true, message: registerText.idNumberRequired },
                ({ getFieldValue }) => ({
                  validator: (_, value: string | undefined) => {
                    const v = (value ?? '').trim();
                    if (!v) return Promise.resolve();
                    const type = (getFieldValue('idType') as IdType | undefined) ?? 'resident_id';
                    if (type === 'resident_id') {
                      return isValidResidentId(v) ? Promise.resolve() : Promise.reject(new Error(registerText.idNumberInvalid));
                    }
                    return /^[A-Za-z0-9()（）-]{5,20}$/.test(v) ? Promise.resolve() : Promise.reject(new Error(registerText.idNumberOtherInvalid));
                  },
                }),
              ]}
            >
              <Input placeholder={registerText.idNumberPlaceholder} maxLength={20} inputMode={idType === 'resident_id' ? 'text' : undefined} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{registerText.sectionContact}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="phone"
              label={registerText.phone}
              dependencies={['idType']}
              rules={[
                { required: true, whitespace: true, message: registerText.phoneRequired },
                ({ getFieldValue }) => ({
                  validator: (_, value: string | undefined) => {
                    const v = (value ?? '').trim();
                    if (!v) return Promise.resolve();
                    const pattern = getFieldValue('idType') === 'resident_id' ? MAINLAND_MOBILE : ANY_PHONE;
                    return pattern.test(v) ? Promise.resolve() : Promise.reject(new Error(registerText.phoneInvalid));
                  },
                }),
              ]}
            >
              <Input placeholder={registerText.phonePlaceholder} inputMode="tel" autoComplete="tel" maxLength={20} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="email"
              label={registerText.email}
              rules={[
                { required: true, whitespace: true, message: registerText.emailRequired },
                { type: 'email', message: registerText.emailInvalid },
              ]}
            >
              <Input placeholder={registerText.emailPlaceholder} inputMode="email" autoComplete="email" maxLength={100} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{registerText.sectionIntentions}</Divider>
        <Form.Item
          name="serviceRegion"
          label={registerText.region}
          help={regionError ? registerText.regionLoadFailed : undefined}
          validateStatus={regionError ? 'error' : undefined}
          rules={[
            { required: true, type: 'array', min: 1, message: registerText.regionRequired },
            {
              validator: (_, value: string[] | undefined) =>
                !value?.length || (regionLevel.current && SERVICE_REGION_LEVELS.includes(regionLevel.current))
                  ? Promise.resolve()
                  : Promise.reject(new Error(registerText.regionTooHigh)),
            },
          ]}
        >
          <RegionCascader
            siteCode={siteCode}
            onLevel={(level) => {
              regionLevel.current = level;
              setRegionError(false);
            }}
            onLoadError={() => setRegionError(true)}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="serviceCategories"
              label={registerText.categories}
              rules={[{ required: true, type: 'array', min: 1, message: registerText.categoriesRequired }]}
            >
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={registerText.categoriesPlaceholder}
                loading={categories.loading}
                options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
              />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="serviceFields" label={registerText.fields}>
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={registerText.fieldsPlaceholder}
                loading={fields.loading}
                options={(fields.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="skills" label={registerText.skills}>
          <Select
            mode="tags"
            allowClear
            placeholder={registerText.skillsPlaceholder}
            tokenSeparators={[',', '，', '、']}
            options={registerText.skillSuggestions.map((s) => ({ value: s, label: s }))}
            maxCount={20}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col {...half}>
            <CaptchaFormItem state={captcha} />
          </Col>
        </Row>

        {failure && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={failure.title}
            description={
              failure.code === 'ID_NUMBER_REGISTERED' ? (
                <>
                  {registerText.idNumberRegistered} <Link to="/recover">{registerText.goRecover}</Link>
                </>
              ) : undefined
            }
            style={{ marginBottom: 16 }}
          />
        )}
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {registerText.agreement}
        </Typography.Paragraph>
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {registerText.submit}
          </Button>
        </Form.Item>
      </Form>
    </Page>
  );
}
