/**
 * Every text the platform sends by SMS or e-mail, in one place. A template has an e-mail and/or an SMS form;
 * `enqueueMessage` renders it when the message is written, so the outbox keeps exactly what was sent.
 *
 * SMS through a vendor (Alibaba Cloud SendSms) is not sent as free text: the vendor sends the copy registered
 * in its console under a template code (SMS_TEMPLATE_CODES) and fills in the variables in `vendor.params`.
 * Register each SMS below with the same wording and the same variable names (`${code}`, `${minutes}` …);
 * the text rendered here is what the development outbox shows and what the outbox-only transport "sends".
 */

export const SYSTEM_NAME = '全国志愿服务信息系统';

export type Channel = 'sms' | 'email';
export type SmsCodePurpose = 'register' | 'contact' | 'recovery' | 'activation' | 'change_phone';

export interface TemplateParams {
  /** SMS verification code (POST /sms-codes). */
  verification_code: { code: string; purpose: SmsCodePurpose; minutes: number };
  /** 取回密码通知: a 6-digit code and a link, both good for `hours` hours and one use. */
  password_reset: { username: string; code: string; link: string; hours: number };
  /** A reminder of the username (找回用户名). */
  username_reminder: { username: string; name?: string | null };
  /** An account created for someone (e.g. imported by an organisation) that they must activate. */
  account_activation: { username: string; link: string; code?: string | null; hours?: number | null; by?: string | null };
  /** The result of a group's registration review. */
  group_review_result: { groupName: string; decision: 'approve' | 'reject'; reason?: string | null };
  /**
   * The result of real-name verification (实名认证, src/modules/realname/): by the provider or by a reviewer.
   * `volunteerNumber` when one was issued with it; `needsRegion` when verified but no service region is set yet.
   */
  realname_result: { result: 'verified' | 'failed' | 'no_result'; volunteerNumber?: string | null; needsRegion?: boolean; reason?: string | null };
  /** A volunteer number issued after verification, once the service region was chosen. */
  volunteer_number_issued: { volunteerNumber: string };
  /** A change made through self-service (自助服务), told to the account's e-mail; `what` names the change in Chinese. */
  self_service_change: { username: string; what: string };
  /** A project cancelled by its group, told to everyone enrolled or still waiting for a decision. */
  project_cancelled: { projectName: string; groupName: string; reason?: string | null };
  /** The outcome of a report (举报) on a service record, told to the reporter. */
  hour_report_result: { projectName: string; serviceDate: string; decision: 'upheld' | 'rejected'; reason: string };
  /** The outcome of a volunteer's correction request on a service record. */
  hour_correction_result: { projectName: string; serviceDate: string; decision: 'accepted' | 'rejected'; reason?: string | null };
}

export type TemplateKey = keyof TemplateParams;

export interface RenderedMessage {
  /** E-mail subject; for SMS a short title shown in the development outbox only. */
  subject: string;
  body: string;
  code: string | null;
  link: string | null;
  /** SMS only: vendor template names to look up in SMS_TEMPLATE_CODES (first configured wins) and its variables. */
  vendor: { templates: string[]; params: Record<string, string> } | null;
}

interface SmsForm {
  title: string;
  body: string;
  params: Record<string, string>;
  /** More specific vendor template names tried before the template key itself. */
  vendorTemplates?: string[];
}

interface Template<P> {
  email?: (p: P) => { subject: string; body: string };
  sms?: (p: P) => SmsForm;
  code?: (p: P) => string | null | undefined;
  link?: (p: P) => string | null | undefined;
}

const MAIL_FOOTER = `\n\n${SYSTEM_NAME}\n（本邮件由系统自动发出，请勿直接回复。）\n`;
const NOT_ME_SMS = '如非本人操作，请忽略本短信。';
const NOT_ME_MAIL = '如果这不是您本人的操作，请忽略本邮件，您的账号不会有任何变化。';
const PASTE_LINK = '（如果邮箱里面的网址不是链接形式，请将该地址手工粘贴到浏览器地址栏再访问。）';

const PURPOSE_ACTION: Record<SmsCodePurpose, string> = {
  register: '您正在注册成为志愿者',
  contact: '您正在验证志愿团体联系人手机号码',
  recovery: '您正在找回用户名或重置密码',
  activation: '您正在激活账号',
  change_phone: '您正在更换账号绑定的手机号码',
};

const templates: { [K in TemplateKey]: Template<TemplateParams[K]> } = {
  verification_code: {
    sms: (p) => ({
      title: '短信验证码',
      body: `${PURPOSE_ACTION[p.purpose]}，验证码为 ${p.code}，${p.minutes} 分钟内有效。请勿将验证码告诉他人，工作人员不会向您索要验证码。${NOT_ME_SMS}`,
      // Vendor verification-code templates take one variable; register the text with the validity written out.
      params: { code: p.code },
      vendorTemplates: [`verification_code.${p.purpose}`],
    }),
    code: (p) => p.code,
  },

  password_reset: {
    email: (p) => ({
      subject: '取回密码通知',
      body:
        `${p.username}，您好：\n\n` +
        `您在${SYSTEM_NAME}提交了重置密码的请求。\n\n` +
        `您的验证码是：${p.code}\n\n` +
        `您也可以通过点击下面的链接重置您的密码：\n${p.link}\n\n` +
        `密码重置说明：您只需在提交请求后的 ${p.hours} 小时内，通过点击上面的链接，或在找回密码页面输入验证码，重置您的密码；` +
        `验证码和链接都只能使用一次。\n${PASTE_LINK}在链接所打开的页面中输入新的密码后提交，您即可使用新的密码登录网站了。\n\n` +
        NOT_ME_MAIL + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '取回密码通知',
      body: `您正在重置账号 ${p.username} 的密码，验证码为 ${p.code}，也可访问 ${p.link} 重置，${p.hours} 小时内有效，仅可使用一次。${NOT_ME_SMS}`,
      params: { username: p.username, code: p.code, link: p.link, hours: String(p.hours) },
    }),
    code: (p) => p.code,
    link: (p) => p.link,
  },

  username_reminder: {
    email: (p) => ({
      subject: '找回用户名通知',
      body:
        `${p.name ? `${p.name}，` : ''}您好：\n\n` +
        `您在${SYSTEM_NAME}的用户名是：${p.username}\n\n` +
        `您可以使用用户名、证件号码或手机号码登录。${NOT_ME_MAIL}` + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '找回用户名通知',
      body: `您在${SYSTEM_NAME}的用户名是 ${p.username}，可使用用户名、证件号码或手机号码登录。${NOT_ME_SMS}`,
      params: { username: p.username },
    }),
  },

  account_activation: {
    email: (p) => ({
      subject: '账号激活通知',
      body:
        `${p.username}，您好：\n\n` +
        `${p.by ? `${p.by}已为您在${SYSTEM_NAME}创建账号` : `您在${SYSTEM_NAME}的账号已经创建`}，尚未激活。请${p.hours ? `在 ${p.hours} 小时内` : ''}点击下面的链接激活账号并设置密码：\n${p.link}\n` +
        (p.code ? `\n激活验证码：${p.code}\n` : '') +
        `\n${PASTE_LINK}\n\n` + NOT_ME_MAIL + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '账号激活通知',
      body: p.hours
        ? `您在${SYSTEM_NAME}的账号 ${p.username} 待激活，请在 ${p.hours} 小时内访问 ${p.link} 完成激活${p.code ? `，验证码为 ${p.code}` : ''}。${NOT_ME_SMS}`
        // Accounts created by an organisation: activation has no deadline; the person asks for a code with account + name.
        : `${p.by ? `${p.by}已为您` : '已为您'}在${SYSTEM_NAME}创建账号 ${p.username}，待激活。请访问 ${p.link} ，输入账号和姓名获取短信验证码并设置密码。${NOT_ME_SMS}`,
      params: { username: p.username, link: p.link, ...(p.hours ? { hours: String(p.hours) } : {}), ...(p.by ? { by: p.by } : {}), ...(p.code ? { code: p.code } : {}) },
      vendorTemplates: p.hours ? [] : ['account_activation.imported'],
    }),
    code: (p) => p.code,
    link: (p) => p.link,
  },

  group_review_result: {
    email: (p) => ({
      subject: '志愿团体审核结果通知',
      body: p.decision === 'approve'
        ? `您好：\n\n您注册的志愿团体“${p.groupName}”已通过审核。现在可以登录${SYSTEM_NAME}，完善团体资料、招募志愿者和发布志愿项目。` + MAIL_FOOTER
        : `您好：\n\n您注册的志愿团体“${p.groupName}”未通过审核。\n原因：${p.reason || '未说明'}\n\n` +
          `请登录${SYSTEM_NAME}，按审核意见修改团体资料后重新提交审核。` + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '志愿团体审核结果通知',
      body: p.decision === 'approve'
        ? `您注册的志愿团体“${p.groupName}”已通过审核，现在可以登录${SYSTEM_NAME}开展志愿服务。`
        : `您注册的志愿团体“${p.groupName}”未通过审核，原因：${p.reason || '未说明'}。请登录${SYSTEM_NAME}修改后重新提交。`,
      params: { groupName: p.groupName, result: p.decision === 'approve' ? '通过' : '未通过', reason: p.reason || '' },
      vendorTemplates: [`group_review_result.${p.decision}`],
    }),
  },

  realname_result: {
    sms: (p) => ({
      title: '实名认证结果通知',
      body: p.result === 'verified'
        ? (p.volunteerNumber
          ? `您在${SYSTEM_NAME}的实名认证已通过，您的志愿者编号为 ${p.volunteerNumber}，可使用该编号登录。`
          : p.needsRegion
            ? `您在${SYSTEM_NAME}的实名认证已通过。请登录后在个人资料中选择服务区域，系统将据此分配志愿者编号。`
            : `您在${SYSTEM_NAME}的实名认证已通过。`)
        : p.result === 'failed'
          ? `您在${SYSTEM_NAME}的实名认证未通过${p.reason ? `，原因：${p.reason}` : '：姓名与证件号码不一致'}。请登录后在“修改资料—身份信息”中核对姓名和证件号码，保存后将再次认证。`
          : `您在${SYSTEM_NAME}的实名认证暂无结果（如户籍信息正在变更）。请通过自助服务进行人脸识别认证，或联系所在地志愿服务组织人工审核。`,
      params: { result: p.result, volunteerNumber: p.volunteerNumber ?? '', reason: p.reason ?? '' },
      vendorTemplates: [
        `realname_result.${p.result}${p.result === 'verified' ? (p.volunteerNumber ? '.numbered' : p.needsRegion ? '.needs_region' : '') : ''}`,
        `realname_result.${p.result}`,
      ],
    }),
  },

  volunteer_number_issued: {
    sms: (p) => ({
      title: '志愿者编号通知',
      body: `您的志愿者编号为 ${p.volunteerNumber}，由系统按服务区域分配，不能更改，可使用该编号登录${SYSTEM_NAME}。`,
      params: { volunteerNumber: p.volunteerNumber },
    }),
  },

  self_service_change: {
    email: (p) => ({
      subject: `账号${p.what}变更通知`,
      body:
        `${p.username}，您好：\n\n` +
        `您在${SYSTEM_NAME}的账号刚刚通过自助服务（身份核验和人脸核验）修改了${p.what}。\n\n` +
        `如果这是您本人的操作，请忽略本邮件。如果不是，请立即通过自助服务重置密码，并联系客服。` + MAIL_FOOTER,
    }),
  },

  project_cancelled: {
    email: (p) => ({
      subject: '志愿项目取消通知',
      body:
        `您好：\n\n您报名的志愿项目“${p.projectName}”已由${p.groupName}取消。\n原因：${p.reason || '未说明'}\n\n` +
        `您无需再前往参加，可登录${SYSTEM_NAME}查看其他志愿项目。` + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '志愿项目取消通知',
      body: `您报名的志愿项目“${p.projectName}”已由${p.groupName}取消，原因：${p.reason || '未说明'}。您无需再前往参加。`,
      params: { projectName: p.projectName, groupName: p.groupName, reason: p.reason || '' },
    }),
  },

  hour_report_result: {
    email: (p) => ({
      subject: '服务时长举报处理结果通知',
      body: `您好：\n\n您对志愿项目“${p.projectName}”${p.serviceDate} 服务时长记录的举报已处理：` +
        (p.decision === 'upheld' ? '举报属实，该记录已删除。' : '经核查举报不成立，该记录保留。') + `\n处理说明：${p.reason}` + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '服务时长举报处理结果通知',
      body: `您对志愿项目“${p.projectName}”${p.serviceDate} 服务时长记录的举报已处理：` +
        `${p.decision === 'upheld' ? '举报属实，该记录已删除' : '举报不成立，该记录保留'}。处理说明：${p.reason}`,
      params: { projectName: p.projectName, serviceDate: p.serviceDate, reason: p.reason },
      vendorTemplates: [`hour_report_result.${p.decision}`],
    }),
  },

  hour_correction_result: {
    email: (p) => ({
      subject: '服务时长更正申请结果通知',
      body: `您好：\n\n您对志愿项目“${p.projectName}”${p.serviceDate} 服务时长记录的更正申请` +
        (p.decision === 'accepted' ? '已通过，记录已按申请更正。' : `未通过。\n原因：${p.reason || '未说明'}`) + MAIL_FOOTER,
    }),
    sms: (p) => ({
      title: '服务时长更正申请结果通知',
      body: `您对志愿项目“${p.projectName}”${p.serviceDate} 服务时长记录的更正申请` +
        (p.decision === 'accepted' ? '已通过，记录已按申请更正。' : `未通过，原因：${p.reason || '未说明'}。`),
      params: { projectName: p.projectName, serviceDate: p.serviceDate, reason: p.reason ?? '' },
      vendorTemplates: [`hour_correction_result.${p.decision}`],
    }),
  },
};

/** The channels a template can be sent on. */
export function templateChannels(key: TemplateKey): Channel[] {
  const t = templates[key] as Template<unknown>;
  return [...(t.email ? ['email' as const] : []), ...(t.sms ? ['sms' as const] : [])];
}

export const TEMPLATE_KEYS = Object.keys(templates) as TemplateKey[];

/** Renders a template for a channel; throws when the template has no form for that channel (a programming error). */
export function renderTemplate<K extends TemplateKey>(key: K, channel: Channel, params: TemplateParams[K]): RenderedMessage {
  const t = templates[key] as Template<TemplateParams[K]> | undefined;
  if (!t) throw new Error(`outbox: unknown template "${String(key)}"`);
  const code = t.code?.(params) ?? null;
  const link = t.link?.(params) ?? null;
  if (channel === 'email') {
    if (!t.email) throw new Error(`outbox: template "${key}" has no e-mail form`);
    const { subject, body } = t.email(params);
    return { subject, body, code, link, vendor: null };
  }
  if (!t.sms) throw new Error(`outbox: template "${key}" has no SMS form`);
  const sms = t.sms(params);
  return {
    subject: sms.title, body: sms.body, code, link,
    vendor: { templates: [...(sms.vendorTemplates ?? []), key], params: sms.params },
  };
}
