<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccountPage</name>
    <message>
        <source>Your account</source>
        <translation>您的账户</translation>
    </message>
    <message>
        <source>Choose the name and password you will sign in with.</source>
        <translation>请设定登录用的姓名和密码。</translation>
    </message>
    <message>
        <source>This first account manages this laptop (it can add other agents later), and its password encrypts the data on it: keep it safe, nobody can read the data without it. A PIN needs at least 6 digits, a password at least 8 characters.</source>
        <translation>第一个账户是本机的管理员（以后可以添加其他代收员），它的密码用来加密本机数据：请妥善保管，没有密码谁也读不出数据。PIN 至少 6 位数字，密码至少 8 个字符。</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>姓名(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Password or PIN</source>
        <translation>密码或 PIN(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Again</source>
        <translation>再输一次(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Create account</source>
        <translation>创建账户(&amp;C)</translation>
    </message>
    <message>
        <source>Type your name.</source>
        <translation>请输入姓名。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>账户管理</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建日期</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Reset password…</source>
        <translation>重设密码(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>解除锁定(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Stop using</source>
        <translation>停用(&amp;S)</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until {time}</source>
        <translation>锁定至 {time}</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Use a&amp;gain</source>
        <translation>重新启用(&amp;G)</translation>
    </message>
    <message>
        <source>Type the account&apos;s name.</source>
        <translation>请填写账户名。</translation>
    </message>
    <message>
        <source>Account {name} added ({role}).</source>
        <translation>已添加账户 {name}（{role}）。</translation>
    </message>
    <message>
        <source>Add an account</source>
        <translation>添加账户</translation>
    </message>
    <message>
        <source>The password of {name} was reset.</source>
        <translation>已重设 {name} 的密码。</translation>
    </message>
    <message>
        <source>New password for {name}</source>
        <translation>{name} 的新密码</translation>
    </message>
    <message>
        <source>{name} may sign in again.</source>
        <translation>{name} 可以重新登录。</translation>
    </message>
    <message>
        <source>{name} can no longer sign in.</source>
        <translation>{name} 不能再登录。</translation>
    </message>
</context>
<context>
    <name>BackupController</name>
    <message>
        <source>Backed up: {path}</source>
        <translation>已备份：{path}</translation>
    </message>
    <message>
        <source>Backup failed</source>
        <translation>备份失败</translation>
    </message>
</context>
<context>
    <name>CashBanner</name>
    <message>
        <source>{message} · Close the day: Ctrl+D</source>
        <translation>{message} · 日结：Ctrl+D</translation>
    </message>
</context>
<context>
    <name>CollectDesk</name>
    <message>
        <source>Tick &amp;all due</source>
        <translation>全选应缴(&amp;A)</translation>
    </message>
    <message>
        <source>Tick every member who still owes (Ctrl+A)</source>
        <translation>勾选所有尚需缴费的人员 (Ctrl+A)</translation>
    </message>
    <message>
        <source>Space ticks a member · 1–5 choose the method · Ctrl+Enter collects</source>
        <translation>空格 勾选/取消 · 1–5 选择缴费方式 · Ctrl+Enter 确认收款</translation>
    </message>
    <message>
        <source>Payment me&amp;thod:</source>
        <translation>缴费方式(&amp;T)：</translation>
    </message>
    <message>
        <source>Required unless cash</source>
        <translation>非现金缴费必填</translation>
    </message>
    <message>
        <source>Tra&amp;nsaction no.:</source>
        <translation>交易单号(&amp;N)：</translation>
    </message>
    <message>
        <source>Yuan; empty means the exact amount</source>
        <translation>单位：元；不填即按应收金额</translation>
    </message>
    <message>
        <source>&amp;Cash tendered:</source>
        <translation>实收现金(&amp;C)：</translation>
    </message>
    <message>
        <source>Collect and print (Ctrl+Enter)</source>
        <translation>确认收款并打印 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>{name}&apos;s ID number: {number} (this look is recorded)</source>
        <translation>{name} 的证件号码：{number}（本次查看已记录）</translation>
    </message>
    <message>
        <source>&amp;Members</source>
        <translation>成员(&amp;M)</translation>
    </message>
    <message>
        <source>Cannot quote this household: {reason}</source>
        <translation>无法计算本户应缴金额：{reason}</translation>
    </message>
    <message>
        <source>&amp;Members of household {number} · {township} {village} · {count} people</source>
        <translation>成员(&amp;M)：户号 {number} · {township} {village} · {count} 人</translation>
    </message>
    <message>
        <source>No one in this household has anything to pay.</source>
        <translation>本户没有需要缴费的人员。</translation>
    </message>
    <message>
        <source>already paid for the year, receipt {receipt}</source>
        <translation>本年度已缴费，收据号 {receipt}</translation>
    </message>
    <message>
        <source>{name} cannot be ticked: {why}</source>
        <translation>{name} 不能勾选：{why}</translation>
    </message>
    <message>
        <source>Total {amount}</source>
        <translation>合计 {amount}</translation>
    </message>
    <message>
        <source>{ticked} of {payable} members who owe are ticked</source>
        <translation>应缴 {payable} 人，已勾选 {ticked} 人</translation>
    </message>
    <message>
        <source>Short by {amount}</source>
        <translation>还差 {amount}</translation>
    </message>
    <message>
        <source>Change {amount}</source>
        <translation>找零 {amount}</translation>
    </message>
    <message>
        <source>Tick at least one member to pay (Space on the row).</source>
        <translation>请先勾选要缴费的人员（在该行按空格）。</translation>
    </message>
    <message>
        <source>Payment not recorded</source>
        <translation>未收款</translation>
    </message>
    <message>
        <source>Nothing was recorded. Correct it and confirm again.</source>
        <translation>未记录任何内容。请更正后再次确认。</translation>
    </message>
</context>
<context>
    <name>CorrectionFormDialog</name>
    <message>
        <source>New identity correction request</source>
        <translation>新建身份更正申请</translation>
    </message>
    <message>
        <source>For someone the roster cannot match. The county checks the request and corrects the roster; until then this person cannot be charged.</source>
        <translation>用于花名册中查不到或信息不符的人。县医保局核实后更正花名册；在此之前不能为此人收费。</translation>
    </message>
    <message>
        <source>18 digits, the last may be X</source>
        <translation>18位，最后一位可能是X</translation>
    </message>
    <message>
        <source>Empty for a new household</source>
        <translation>新的一户请留空</translation>
    </message>
    <message>
        <source>To call when the county has answered</source>
        <translation>县医保局答复后回访用</translation>
    </message>
    <message>
        <source>Problem (Alt+1–5)</source>
        <translation>问题类型 (Alt+1–5)</translation>
    </message>
    <message>
        <source>Optional; Enter here queues the request</source>
        <translation>可不填；在此按回车即提交</translation>
    </message>
    <message>
        <source>&amp;Submit (Ctrl+Enter)</source>
        <translation>提交申请（Ctrl+Enter）(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Open the household</source>
        <translation>打开该户(&amp;O)</translation>
    </message>
    <message>
        <source>ID &amp;type:</source>
        <translation>证件类型(&amp;T)：</translation>
    </message>
    <message>
        <source>ID &amp;number:</source>
        <translation>证件号码(&amp;N)：</translation>
    </message>
    <message>
        <source>N&amp;ame:</source>
        <translation>姓名(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Household no.:</source>
        <translation>户号(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Village:</source>
        <translation>村(社区)(&amp;V)：</translation>
    </message>
    <message>
        <source>Hukou &amp;place:</source>
        <translation>户籍地(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Contact phone:</source>
        <translation>联系电话(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Remarks:</source>
        <translation>备注(&amp;R)：</translation>
    </message>
    <message>
        <source>On the roster already: {name}, household {household}. If the person was not found, open the household (Alt+O) and collect there.</source>
        <translation>花名册中已有此人：{name}，户号 {household}。如果只是没查到，请打开该户（Alt+O）直接收费。</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>Not on the roster · born {date}</source>
        <translation>花名册中没有此人 · 出生 {date}</translation>
    </message>
    <message>
        <source>Not on the roster</source>
        <translation>花名册中没有此人</translation>
    </message>
    <message>
        <source>A new household</source>
        <translation>新的一户</translation>
    </message>
    <message>
        <source>No household {number} on this computer</source>
        <translation>本机没有户号 {number}</translation>
    </message>
    <message>
        <source>An existing household of {village}</source>
        <translation>{village}的现有户</translation>
    </message>
    <message>
        <source>↓ fills in {place}</source>
        <translation>↓ 填入 {place}</translation>
    </message>
    <message>
        <source>As on the ID card or household register</source>
        <translation>按身份证或户口簿填写</translation>
    </message>
</context>
<context>
    <name>CorrectionsPage</name>
    <message>
        <source>Identity corrections</source>
        <translation>身份更正</translation>
    </message>
    <message>
        <source>Correction &amp;requests</source>
        <translation>更正申请(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Follow up: accepted and payable now (Enter opens the household to collect)</source>
        <translation>待回访(&amp;F)：已通过、现在可以缴费的人（回车打开该户收费）</translation>
    </message>
    <message>
        <source>&amp;New request… (F4)</source>
        <translation>新建申请(&amp;N)…（F4）</translation>
    </message>
    <message>
        <source>{count} requests: {counts}</source>
        <translation>共 {count} 条申请：{counts}</translation>
    </message>
    <message>
        <source>No requests yet. F4 starts one.</source>
        <translation>还没有更正申请。按 F4 新建。</translation>
    </message>
    <message>
        <source>No one to visit now.</source>
        <translation>现在没有需要回访的人。</translation>
    </message>
    <message>
        <source>Refunds to make (collected before a correction the county rejected): </source>
        <translation>须退费（先行收费后更正被县医保局驳回）：</translation>
    </message>
</context>
<context>
    <name>CountyPage</name>
    <message>
        <source>County medical insurance office</source>
        <translation>县医保局</translation>
    </message>
    <message>
        <source>Registering links this laptop to the county: it receives your villages&apos; roster and sends the payments. The county gives you its server&apos;s address and a one-time code.</source>
        <translation>注册后本机与县医保局连通：接收所辖村的花名册，上报收费记录。服务器地址和一次性注册码由县医保局提供。</translation>
    </message>
    <message>
        <source>&amp;Register with the county now</source>
        <translation>现在向县医保局注册(&amp;R)</translation>
    </message>
    <message>
        <source>Practise &amp;offline with the demo county (nothing is sent)</source>
        <translation>先离线练习，使用演示县数据（不上报）(&amp;O)</translation>
    </message>
    <message>
        <source>Register &amp;later (work offline; import a roster file or register in Settings)</source>
        <translation>稍后注册（离线使用；可导入花名册文件，或以后在“设置”中注册）(&amp;L)</translation>
    </message>
    <message>
        <source>e.g. http://10.0.0.5:8750</source>
        <translation>如 http://10.0.0.5:8750</translation>
    </message>
    <message>
        <source>12 letters and digits</source>
        <translation>12 位字母和数字</translation>
    </message>
    <message>
        <source>County server &amp;address:</source>
        <translation>县级服务器地址(&amp;A)：</translation>
    </message>
    <message>
        <source>Registration co&amp;de:</source>
        <translation>注册码(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>下一步(&amp;N) &gt;</translation>
    </message>
    <message>
        <source>Practise &amp;offline with the demo county (loaded already; nothing is sent)</source>
        <translation>先离线练习，使用演示县数据（已载入，不上报）(&amp;O)</translation>
    </message>
    <message>
        <source>Enter the registration code.</source>
        <translation>请填写注册码。</translation>
    </message>
    <message>
        <source>Registering with {server}…</source>
        <translation>正在向 {server} 注册…</translation>
    </message>
    <message>
        <source>The county server does not answer. Check the network and the address (ask the county), then press Next to try again.</source>
        <translation>县级服务器没有应答。请检查网络和服务器地址（可向县医保局确认），然后按“下一步”重试。</translation>
    </message>
    <message>
        <source>Or choose “Register later” to start offline now: the app works without the county, and you can register in Settings when you are connected.</source>
        <translation>也可以选“稍后注册”，现在就离线使用：不连县医保局也能收费，联网后在“设置”中注册即可。</translation>
    </message>
    <message>
        <source>Registered.</source>
        <translation>注册成功。</translation>
    </message>
    <message>
        <source>Loading the demo county {county}…</source>
        <translation>正在载入演示县 {county}…</translation>
    </message>
    <message>
        <source>The demo county is ready: {people} people to practise on.</source>
        <translation>演示县已就绪：共 {people} 人可供练习。</translation>
    </message>
    <message>
        <source>The demo county could not be loaded: {error}</source>
        <translation>演示县载入失败：{error}</translation>
    </message>
    <message>
        <source>Choose “Register later” to go on.</source>
        <translation>请选“稍后注册”继续。</translation>
    </message>
</context>
<context>
    <name>DailyChart</name>
    <message>
        <source>Task {target}</source>
        <translation>任务数 {target}</translation>
    </message>
    <message>
        <source>No payments yet</source>
        <translation>尚无缴款</translation>
    </message>
    <message>
        <source>{count} people</source>
        <translation>{count} 人</translation>
    </message>
    <message>
        <source>Collected to date</source>
        <translation>累计缴款人数</translation>
    </message>
    <message>
        <source>Task (total)</source>
        <translation>任务数（合计）</translation>
    </message>
    <message>
        <source>No task set</source>
        <translation>任务数未下达</translation>
    </message>
</context>
<context>
    <name>DayCloseDialog</name>
    <message>
        <source>Close the day {date}</source>
        <translation>日结 {date}</translation>
    </message>
    <message>
        <source>Nothing to close: every receipt on this computer has been remitted.</source>
        <translation>没有需要日结的收据：本机所有收据都已上解。</translation>
    </message>
    <message>
        <source>Last close: {date}, {count} receipts, deposit reference {reference}.</source>
        <translation>上次日结：{date}，收据 {count} 张，存款参考号 {reference}。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The receipts by method, the expected cash and the difference appear here after Check.</source>
        <translation>按“核对”后，这里显示各缴费方式的笔数与金额、应有现金和差额。</translation>
    </message>
    <message>
        <source>1 · Count the cash (blind)</source>
        <translation>一、清点现金（盲点）</translation>
    </message>
    <message>
        <source>Count the cash in the drawer and type how many notes and coins of each kind. What the drawer should hold is shown only after Check.</source>
        <translation>请清点抽屉里的现金，按面额填写张数。按“核对”后才显示应有金额。</translation>
    </message>
    <message>
        <source>Denomination</source>
        <translation>面额</translation>
    </message>
    <message>
        <source>Pieces</source>
        <translation>张数</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>核对(&amp;C)</translation>
    </message>
    <message>
        <source>Fix the count and show the expected figures (Ctrl+Enter)</source>
        <translation>确定清点结果并显示应有金额（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>2 · Expected and the difference</source>
        <translation>二、应有金额与差额</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>缴费方式</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>e.g. change given wrongly to a household</source>
        <translation>如：给某户找零有误</translation>
    </message>
    <message>
        <source>&amp;Reason for the difference (required):</source>
        <translation>差额原因(&amp;R)（必填）：</translation>
    </message>
    <message>
        <source>Expected cash:</source>
        <translation>应有现金：</translation>
    </message>
    <message>
        <source>Counted cash:</source>
        <translation>实点现金：</translation>
    </message>
    <message>
        <source>Difference:</source>
        <translation>差额：</translation>
    </message>
    <message>
        <source>Receipt numbers:</source>
        <translation>收据号段：</translation>
    </message>
    <message>
        <source>Voided:</source>
        <translation>作废收据：</translation>
    </message>
    <message>
        <source>Missing numbers:</source>
        <translation>缺号：</translation>
    </message>
    <message>
        <source>3 · Deposit</source>
        <translation>三、存款上解</translation>
    </message>
    <message>
        <source>Bank slip no. or POS reference</source>
        <translation>银行存款凭条号或 POS 交易参考号</translation>
    </message>
    <message>
        <source>Deposit re&amp;ference:</source>
        <translation>存款参考号(&amp;F)：</translation>
    </message>
    <message>
        <source>Deposited &amp;at:</source>
        <translation>存款时间(&amp;A)：</translation>
    </message>
    <message>
        <source>Confirm day close (Ctrl+Enter)</source>
        <translation>确认日结（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>&amp;Open slip</source>
        <translation>打开上解单(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Save slip as…</source>
        <translation>上解单另存为(&amp;S)…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Counted {amount}</source>
        <translation>已点 {amount}</translation>
    </message>
    <message>
        <source>Nothing to close: every receipt has been remitted.</source>
        <translation>没有需要日结的收据：所有收据都已上解。</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Short {amount}</source>
        <translation>短款 {amount}</translation>
    </message>
    <message>
        <source>Over {amount}</source>
        <translation>长款 {amount}</translation>
    </message>
    <message>
        <source>No difference</source>
        <translation>无差额</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{receipt} ({reason})</source>
        <translation>{receipt}（{reason}）</translation>
    </message>
    <message>
        <source>The day is closed: {count} receipts, {total}; cash counted {counted}. These receipts can no longer be voided.</source>
        <translation>日结完成：收据 {count} 张，合计 {total}；实点现金 {counted}。这些收据今后不能作废。</translation>
    </message>
    <message>
        <source>Remittance slip saved: {path}</source>
        <translation>上解单已保存：{path}</translation>
    </message>
    <message>
        <source>The remittance slip was not saved: {reason}. Use Save slip as… to try again.</source>
        <translation>上解单未能保存：{reason}。请用“上解单另存为…”重试。</translation>
    </message>
    <message>
        <source>Save remittance slip</source>
        <translation>保存上解单</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>Ready to collect</source>
        <translation>可以开始收费了</translation>
    </message>
    <message>
        <source>Account: {name}</source>
        <translation>账户：{name}</translation>
    </message>
    <message>
        <source>Registered with {server}.</source>
        <translation>已向 {server} 注册。</translation>
    </message>
    <message>
        <source>The villages&apos; roster arrives with the first sync.</source>
        <translation>所辖村的花名册将在第一次同步时下载。</translation>
    </message>
    <message>
        <source>Practising on the demo county: nothing is sent. Before collecting for real, end practice in Settings (the practice data is kept as a copy) and register.</source>
        <translation>正在用演示县练习，不会上报。正式收费前，请在“设置”中结束练习（练习数据会另存一份），再注册。</translation>
    </message>
    <message>
        <source>Not registered yet: register in Settings when connected, or import the roster file the county gave you (File → Import roster).</source>
        <translation>尚未注册：联网后在“设置”中注册，或导入县医保局发的花名册文件（文件 → 导入花名册）。</translation>
    </message>
    <message>
        <source>Receipts print to: {target}</source>
        <translation>收据打印到：{target}</translation>
    </message>
    <message>
        <source>Each of these can be changed later in the Settings menu. Press Finish to start collecting.</source>
        <translation>以上各项以后都可以在“设置”菜单中修改。按“完成”开始收费。</translation>
    </message>
</context>
<context>
    <name>EndPractice</name>
    <message>
        <source>End practice</source>
        <translation>结束练习</translation>
    </message>
    <message>
        <source>End practice and start collecting for real?</source>
        <translation>结束练习，开始正式收费吗？</translation>
    </message>
    <message>
        <source>The demo county and everything recorded while practising are kept as a copy beside the data file, and this laptop starts empty with the same accounts. Then register with the county to receive your villages&apos; roster.</source>
        <translation>演示县数据和练习时的所有记录会在数据文件旁另存一份，本机换成空数据库，账户不变。然后向县医保局注册，接收所辖村的花名册。</translation>
    </message>
    <message>
        <source>&amp;End practice</source>
        <translation>结束练习(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Keep practising</source>
        <translation>继续练习(&amp;K)</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <source>Register with the county</source>
        <translation>向县医保局注册</translation>
    </message>
    <message>
        <source>Enter the county server&apos;s address and the one-time registration code the county medical insurance office gave you.</source>
        <translation>请填写县级服务器地址和县医保局给的一次性注册码。</translation>
    </message>
    <message>
        <source>This computer is registered with {server}.</source>
        <translation>本机已在 {server} 注册。</translation>
    </message>
    <message>
        <source>e.g. http://10.0.0.5:8750</source>
        <translation>如 http://10.0.0.5:8750</translation>
    </message>
    <message>
        <source>12 letters and digits</source>
        <translation>12 位字母和数字</translation>
    </message>
    <message>
        <source>County server &amp;address:</source>
        <translation>县级服务器地址(&amp;A)：</translation>
    </message>
    <message>
        <source>Registration &amp;code:</source>
        <translation>注册码(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Register</source>
        <translation>注册(&amp;R)</translation>
    </message>
    <message>
        <source>The first sync is fetching the villages&apos; roster now.</source>
        <translation>正在进行第一次同步，下载所辖村的花名册。</translation>
    </message>
    <message>
        <source>Enter the registration code.</source>
        <translation>请填写注册码。</translation>
    </message>
    <message>
        <source>Enter the county server&apos;s address.</source>
        <translation>请填写县级服务器地址。</translation>
    </message>
    <message>
        <source>“{text}” is not a server address.</source>
        <translation>“{text}”不是服务器地址。</translation>
    </message>
    <message>
        <source>Device {device}
Receipt prefix {prefix} (new receipts start with it)
Agent {agent}
Villages {villages}</source>
        <translation>设备 {device}
收据前缀 {prefix}（新收据以此开头）
代收员 {agent}
村 {villages}</translation>
    </message>
    <message>
        <source>A registration is already running; wait for it.</source>
        <translation>正在注册，请稍候。</translation>
    </message>
    <message>
        <source>Registering with {server}…</source>
        <translation>正在向 {server} 注册…</translation>
    </message>
    <message>
        <source>Registration failed; correct the fields and try again.</source>
        <translation>注册未成功，请改正后重试。</translation>
    </message>
    <message>
        <source>Registered.</source>
        <translation>注册成功。</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Village Collect: first run</source>
        <translation>村医保代收：首次使用</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>下一步(&amp;N) &gt;</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; 上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>完成(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Set up later</source>
        <translation>以后再设置(&amp;S)</translation>
    </message>
</context>
<context>
    <name>FollowUpTableModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村(社区)</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村(社区)</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Matched</source>
        <translation>匹配成员</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人数</translation>
    </message>
</context>
<context>
    <name>ImportProgressDialog</name>
    <message>
        <source>Importing roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <source>Importing {file}…</source>
        <translation>正在导入 {file}…</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>{rows} rows processed</source>
        <translation>已处理 {rows} 行</translation>
    </message>
    <message>
        <source>Cancelling… rows already imported are kept.</source>
        <translation>正在取消…已导入的行会保留。</translation>
    </message>
</context>
<context>
    <name>LockController</name>
    <message>
        <source>{role}: {name}</source>
        <translation>{role}：{name}</translation>
    </message>
    <message>
        <source>Signed in as {name}</source>
        <translation>已切换为 {name}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Village Medical Insurance Collection</source>
        <translation>村医保代收</translation>
    </message>
    <message>
        <source>{app} — Demo {date}</source>
        <translation>{app} — 演示 {date}</translation>
    </message>
    <message>
        <source>ID number / last digits / name / pinyin initials / household no.</source>
        <translation>证件号码 / 尾号 / 姓名 / 拼音首字母 / 户号</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>查找(&amp;S)：</translation>
    </message>
    <message>
        <source>Cannot find the person? (F4)</source>
        <translation>找不到此人？(F4)</translation>
    </message>
    <message>
        <source>Ask the county to correct the roster: not found, name or ID differs, …</source>
        <translation>请县医保局更正花名册：查无此人、姓名或证件号码不符……</translation>
    </message>
    <message>
        <source>&amp;Households</source>
        <translation>查到的户(&amp;H)</translation>
    </message>
    <message>
        <source>Business date {date} · benefit year {year}</source>
        <translation>业务日期 {date} · {year}年度</translation>
    </message>
    <message>
        <source>Type an ID number, its last 4–6 digits, a name, pinyin initials (e.g. zs) or a household number.</source>
        <translation>可输入证件号码、证件号后4–6位、姓名、拼音首字母（如 zs）或户号。</translation>
    </message>
    <message>
        <source>Nothing found for “{query}”.</source>
        <translation>没有找到“{query}”。</translation>
    </message>
    <message>
        <source>Showing the first {count} households; type more to narrow down.</source>
        <translation>只显示前 {count} 户，请多输入几个字缩小范围。</translation>
    </message>
    <message>
        <source>{count} households found. ↑↓ to choose, Enter to open.</source>
        <translation>找到 {count} 户。按 ↑↓ 选择，按回车打开。</translation>
    </message>
    <message>
        <source>Receipt {receipt} recorded: {total}, {count} people</source>
        <translation>已收款，收据号 {receipt}：{total}，{count} 人</translation>
    </message>
    <message>
        <source>, change {change}</source>
        <translation>，找零 {change}</translation>
    </message>
    <message>
        <source>Receipt {receipt} reprinted (copy {copy}) to {where}</source>
        <translation>收据 {receipt} 已重打（第 {copy} 次）：{where}</translation>
    </message>
    <message>
        <source>Receipt {receipt} printed to {where}</source>
        <translation>收据 {receipt} 已打印：{where}</translation>
    </message>
    <message>
        <source>Receipt {receipt} voided</source>
        <translation>收据 {receipt} 已作废</translation>
    </message>
    <message>
        <source>Day closed: {count} receipts remitted, reference {reference}</source>
        <translation>日结完成：{count} 张收据已上解，存款参考号 {reference}</translation>
    </message>
    <message>
        <source>Correction request for {name} saved: {state}</source>
        <translation>{name} 的身份更正申请已保存：{state}</translation>
    </message>
    <message>
        <source> (added to the pending request)</source>
        <translation>（已并入待审核的申请）</translation>
    </message>
    <message>
        <source>To follow up: {count} (Shift+F4)</source>
        <translation>待回访 {count} 人 (Shift+F4)</translation>
    </message>
    <message>
        <source>Sync did not finish: {reason}</source>
        <translation>同步未完成：{reason}</translation>
    </message>
    <message>
        <source>Synced: {sent} records sent, {changes} changes from the county</source>
        <translation>同步完成：上传 {sent} 条记录，下载 {changes} 条变更</translation>
    </message>
    <message>
        <source>Password changed.</source>
        <translation>密码已修改。</translation>
    </message>
    <message>
        <source>Only a supervisor manages the accounts: ask them to sign in.</source>
        <translation>只有管理员可以管理账户：请管理员登录。</translation>
    </message>
    <message>
        <source>Import roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <source>Roster files (*.csv *.xlsx);;All files (*)</source>
        <translation>花名册文件 (*.csv *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Roster import: {summary}</source>
        <translation>花名册导入：{summary}</translation>
    </message>
</context>
<context>
    <name>MemberTableModel</name>
    <message>
        <source>Pay</source>
        <translation>缴费</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Status this year</source>
        <translation>本年度状态</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>缴费标准</translation>
    </message>
    <message>
        <source>Due now</source>
        <translation>本次应缴</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应缴</translation>
    </message>
    <message>
        <source>Paid here</source>
        <translation>本处已缴</translation>
    </message>
    <message>
        <source>Paid elsewhere</source>
        <translation>已在他处缴费</translation>
    </message>
    <message>
        <source>Employee insurance</source>
        <translation>参加职工医保</translation>
    </message>
    <message>
        <source>Deceased</source>
        <translation>已故</translation>
    </message>
    <message>
        <source>Moved away</source>
        <translation>已迁出</translation>
    </message>
    <message>
        <source>Collection not open yet</source>
        <translation>尚未开始收缴</translation>
    </message>
    <message>
        <source>Benefit year over</source>
        <translation>待遇期已结束</translation>
    </message>
    <message>
        <source>Collection period over</source>
        <translation>缴费期已过</translation>
    </message>
    <message>
        <source>No cover this year</source>
        <translation>本年度不宜缴费</translation>
    </message>
    <message>
        <source>Paid · {receipt}</source>
        <translation>已缴 · {receipt}</translation>
    </message>
    <message>
        <source>Identity correction pending</source>
        <translation>身份更正待审核</translation>
    </message>
    <message>
        <source>{amount} later</source>
        <translation>{amount}（事后返还）</translation>
    </message>
    <message>
        <source>Subsidy</source>
        <translation>资助</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Account {name}.</source>
        <translation>账户 {name}。</translation>
    </message>
</context>
<context>
    <name>PrintFailedBox</name>
    <message>
        <source>Receipt not printed</source>
        <translation>收据未打印</translation>
    </message>
    <message>
        <source>Receipt {receipt} is recorded: the payment is safe and counts. Only the printing failed.</source>
        <translation>收据 {receipt} 已记录，缴费有效。只是打印没有成功。</translation>
    </message>
    <message>
        <source>Fix the printer and press Reprint, or reprint later from Receipts.</source>
        <translation>请检查打印机后点“重打”，或稍后在“收据”菜单中重打。</translation>
    </message>
    <message>
        <source>&amp;Reprint</source>
        <translation>重打(&amp;R)</translation>
    </message>
</context>
<context>
    <name>PrinterForm</name>
    <message>
        <source>PDF files in a folder</source>
        <translation>PDF 文件（存入文件夹）</translation>
    </message>
    <message>
        <source>System printer (through its driver)</source>
        <translation>系统打印机（通过打印机驱动）</translation>
    </message>
    <message>
        <source>Receipt printer (ESC/POS) as a file or device</source>
        <translation>小票打印机（ESC/POS），写入文件或设备</translation>
    </message>
    <message>
        <source>Network receipt printer (ESC/POS, raw port 9100)</source>
        <translation>网络小票打印机（ESC/POS，端口 9100）</translation>
    </message>
    <message>
        <source>Serial receipt printer (ESC/POS, COM port)</source>
        <translation>串口小票打印机（ESC/POS，COM 口）</translation>
    </message>
    <message>
        <source>USB receipt printer (ESC/POS, raw USB)</source>
        <translation>USB 小票打印机（ESC/POS，直连 USB）</translation>
    </message>
    <message>
        <source>The default printer</source>
        <translation>默认打印机</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>58 mm roll</source>
        <translation>58 毫米卷纸</translation>
    </message>
    <message>
        <source>80 mm roll</source>
        <translation>80 毫米卷纸</translation>
    </message>
    <message>
        <source>The printer&apos;s QR command</source>
        <translation>打印机指令</translation>
    </message>
    <message>
        <source>An image (older printers)</source>
        <translation>图片（旧式打印机）</translation>
    </message>
    <message>
        <source>Print a &amp;test page</source>
        <translation>打印测试页(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Print to:</source>
        <translation>打印到(&amp;P)：</translation>
    </message>
    <message>
        <source>S&amp;ystem printer:</source>
        <translation>系统打印机(&amp;Y)：</translation>
    </message>
    <message>
        <source>&amp;Where:</source>
        <translation>位置(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Paper:</source>
        <translation>纸张(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;QR code:</source>
        <translation>二维码方式(&amp;Q)：</translation>
    </message>
    <message>
        <source>{name} (not found)</source>
        <translation>{name}（未找到）</translation>
    </message>
    <message>
        <source>A folder, e.g. D:\receipts</source>
        <translation>文件夹，如 D:\收据</translation>
    </message>
    <message>
        <source>A file or device, e.g. /dev/usb/lp0</source>
        <translation>文件或设备，如 /dev/usb/lp0</translation>
    </message>
    <message>
        <source>Address:port, e.g. 192.168.1.50:9100</source>
        <translation>地址:端口，如 192.168.1.50:9100</translation>
    </message>
    <message>
        <source>Port:baud rate, e.g. COM3:9600 or /dev/ttyUSB0:9600</source>
        <translation>串口:波特率，如 COM3:9600 或 /dev/ttyUSB0:9600</translation>
    </message>
    <message>
        <source>Vendor id:product id in hex, e.g. 0416:5011</source>
        <translation>厂商ID:产品ID（十六进制），如 0416:5011</translation>
    </message>
    <message>
        <source>No printer is installed on this computer. Install the printer&apos;s driver, or choose a receipt printer or PDF files.</source>
        <translation>这台电脑没有安装打印机。请安装打印机驱动，或改选小票打印机、PDF 文件。</translation>
    </message>
    <message>
        <source>Serial ports on this computer: {ports}</source>
        <translation>本机串口：{ports}</translation>
    </message>
    <message>
        <source>No serial port found on this computer.</source>
        <translation>本机没有找到串口。</translation>
    </message>
    <message>
        <source>The ids are shown by lsusb on Linux, or in Device Manager&apos;s hardware ids (VID_0416&amp;PID_5011) on Windows.</source>
        <translation>ID 可在 Linux 的 lsusb 中查到，或在 Windows 设备管理器的“硬件 ID”（VID_0416&amp;PID_5011）中查到。</translation>
    </message>
    <message>
        <source>No USB printer found: check that it is on and its cable is plugged in, or choose the system printer.</source>
        <translation>没有找到 USB 打印机：请检查打印机电源和 USB 线，或改选“系统打印机”。</translation>
    </message>
    <message>
        <source>printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>USB printers found: {names}</source>
        <translation>找到 USB 打印机：{names}</translation>
    </message>
    <message>
        <source>Receipt folder</source>
        <translation>收据文件夹</translation>
    </message>
    <message>
        <source>Printer file</source>
        <translation>打印机文件</translation>
    </message>
    <message>
        <source>Say where the receipts should go.</source>
        <translation>请填写收据打印到哪里。</translation>
    </message>
    <message>
        <source>A receipt printer takes 58 mm or 80 mm rolls, not A5.</source>
        <translation>小票打印机只能用 58 或 80 毫米卷纸，不能用 A5。</translation>
    </message>
    <message>
        <source>Printing the test page…</source>
        <translation>正在打印测试页…</translation>
    </message>
    <message>
        <source>The test page went to {where}. Check the paper: the Chinese text, the amounts and the QR code must be clear (a phone should scan the code).</source>
        <translation>测试页已送到 {where}。请看打印出来的纸：中文、金额和二维码都应清楚（用手机应能扫出二维码）。</translation>
    </message>
    <message>
        <source>The test page did not print: {reason}
Check the printer and try again, choose another printer, or keep PDF files for now and set the printer later in Settings.</source>
        <translation>测试页没有打印出来：{reason}
请检查打印机后重试，或改选其他打印机；也可以先保存为 PDF 文件，以后在“设置”中再设打印机。</translation>
    </message>
</context>
<context>
    <name>PrinterPage</name>
    <message>
        <source>Receipt printer</source>
        <translation>收据打印机</translation>
    </message>
    <message>
        <source>Choose where receipts print and print a test page. With no printer at hand, keep PDF files: receipts are saved and can be printed later.</source>
        <translation>选择收据打印到哪里，并打印一张测试页。手头没有打印机时，先保存为 PDF 文件：收据会保存下来，以后再打印。</translation>
    </message>
</context>
<context>
    <name>PrinterSettingsDialog</name>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
</context>
<context>
    <name>ProgressDialog</name>
    <message>
        <source>Progress {year}</source>
        <translation>{year}年度进度</translation>
    </message>
    <message>
        <source>&amp;Villages</source>
        <translation>各村进度(&amp;V)</translation>
    </message>
    <message>
        <source>Collected day by day against the task</source>
        <translation>每日累计缴款与任务数</translation>
    </message>
    <message>
        <source>Villages: completion against the task</source>
        <translation>各村完成率</translation>
    </message>
    <message>
        <source>&amp;Special groups not yet enrolled (target 100%)</source>
        <translation>特殊人群未参保名单（目标100%）(&amp;S)</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>刷新（F5）</translation>
    </message>
    <message>
        <source>Export &amp;Excel… (Ctrl+E)</source>
        <translation>导出 Excel(&amp;E)…（Ctrl+E）</translation>
    </message>
    <message>
        <source>Export &amp;PDF…</source>
        <translation>导出 PDF(&amp;P)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>{title} · as of {date}</source>
        <translation>{title} · 截至 {date}</translation>
    </message>
    <message>
        <source>Benefit year {year} · no region policy set: no targets, no work fee · as of {date}</source>
        <translation>{year}年度 · 未设定地区政策，无目标和工作经费 · 截至 {date}</translation>
    </message>
    <message>
        <source>Enrolled {enrolled} of {population} (participation {rate})</source>
        <translation>实际人数 {population}，已参保 {enrolled}（参保率 {rate}）</translation>
    </message>
    <message>
        <source>paid here {people} people, {amount}</source>
        <translation>本机缴款 {people} 人 {amount}</translation>
    </message>
    <message>
        <source>task {target}, completion {rate}</source>
        <translation>任务数 {target}，完成率 {rate}</translation>
    </message>
    <message>
        <source>work fee {amount} ({each} × {people} people)</source>
        <translation>工作经费 {amount}（每人 {each} × {people} 人）</translation>
    </message>
    <message>
        <source>special groups not yet enrolled: {people} in {households} households</source>
        <translation>特殊人群未参保 {people} 人（{households} 户）</translation>
    </message>
    <message>
        <source>every special-group member is enrolled</source>
        <translation>特殊人群已全部参保</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>Print &amp;dunning list: all villages… (Ctrl+P)</source>
        <translation>打印催缴清单：全部村(&amp;D)…（Ctrl+P）</translation>
    </message>
    <message>
        <source>Print &amp;dunning list: {village}… (Ctrl+P)</source>
        <translation>打印催缴清单：{village}(&amp;D)…（Ctrl+P）</translation>
    </message>
    <message>
        <source>Export progress (Excel)</source>
        <translation>导出进度（Excel）</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Export progress (PDF)</source>
        <translation>导出进度（PDF）</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Save the dunning list</source>
        <translation>保存催缴清单</translation>
    </message>
    <message>
        <source>Writing the file…</source>
        <translation>正在写入文件…</translation>
    </message>
    <message>
        <source>Dunning list saved: {path} (opened for printing)</source>
        <translation>催缴清单已保存：{path}（已打开，可打印）</translation>
    </message>
    <message>
        <source>Exported: {path}</source>
        <translation>已导出：{path}</translation>
    </message>
</context>
<context>
    <name>ProgressTableModel</name>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村名</translation>
    </message>
    <message>
        <source>Population</source>
        <translation>实际人数</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务数</translation>
    </message>
    <message>
        <source>Paid (people)</source>
        <translation>缴款人数</translation>
    </message>
    <message>
        <source>Amount paid</source>
        <translation>缴款金额</translation>
    </message>
    <message>
        <source>Completion</source>
        <translation>完成率</translation>
    </message>
    <message>
        <source>Participation</source>
        <translation>参保率</translation>
    </message>
    <message>
        <source>Special groups enrolled</source>
        <translation>特殊人群参保率</translation>
    </message>
    <message>
        <source>Work fee</source>
        <translation>工作经费</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>From the county&apos;s task table</source>
        <translation>县里下达的任务表中的实际人数</translation>
    </message>
    <message>
        <source>No task table: people on the roster due to enrol this year</source>
        <translation>未下达任务表：名册中本年度应参保的人数</translation>
    </message>
    <message>
        <source>No task set</source>
        <translation>任务数未下达</translation>
    </message>
    <message>
        <source>{enrolled} of {members} enrolled</source>
        <translation>{members} 人中已参保 {enrolled} 人</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村(社区)</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>County&apos;s reason</source>
        <translation>县医保局意见</translation>
    </message>
    <message>
        <source>New household</source>
        <translation>新户</translation>
    </message>
    <message>
        <source>Phone {phone}</source>
        <translation>电话 {phone}</translation>
    </message>
    <message>
        <source>Asked {count} times</source>
        <translation>已申请 {count} 次</translation>
    </message>
</context>
<context>
    <name>ReceiptTableModel</name>
    <message>
        <source>Receipt no.</source>
        <translation>收据号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Payer</source>
        <translation>缴费人</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>缴费方式</translation>
    </message>
    <message>
        <source>Prints</source>
        <translation>打印次数</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Valid, remitted</source>
        <translation>正常（已上解）</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Voided: {reason}</source>
        <translation>作废原因：{reason}</translation>
    </message>
    <message>
        <source>Transaction no. {reference}</source>
        <translation>交易单号 {reference}</translation>
    </message>
</context>
<context>
    <name>ReceiptsDialog</name>
    <message>
        <source>Receipts of {date}</source>
        <translation>收据 {date}</translation>
    </message>
    <message>
        <source>&amp;Reprint</source>
        <translation>重打(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Void…</source>
        <translation>作废(&amp;V)…</translation>
    </message>
    <message>
        <source>{count} receipts, {voided} voided · collected {total}</source>
        <translation>共 {count} 张收据，作废 {voided} 张 · 实收 {total}</translation>
    </message>
    <message>
        <source>Receipt {receipt} is over {limit}: voiding it needs a supervisor&apos;s account and password.</source>
        <translation>收据 {receipt} 金额超过 {limit}，作废须管理员输入账户和密码批准。</translation>
    </message>
    <message>
        <source>Receipt not voided</source>
        <translation>收据未作废</translation>
    </message>
</context>
<context>
    <name>RemittanceTableModel</name>
    <message>
        <source>Business day</source>
        <translation>业务日期</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>收据数</translation>
    </message>
    <message>
        <source>Total due</source>
        <translation>应收合计</translation>
    </message>
    <message>
        <source>Cash expected</source>
        <translation>现金应有</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实点</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差额</translation>
    </message>
    <message>
        <source>Deposit reference</source>
        <translation>存款参考号</translation>
    </message>
    <message>
        <source>County confirmation</source>
        <translation>县医保局确认</translation>
    </message>
</context>
<context>
    <name>RemittancesPage</name>
    <message>
        <source>Day closes and remittances</source>
        <translation>上解记录</translation>
    </message>
    <message>
        <source>&amp;Reprint remittance slip</source>
        <translation>重打上解单(&amp;R)</translation>
    </message>
    <message>
        <source>Save the highlighted close&apos;s slip again (Enter)</source>
        <translation>重新生成所选日结的上解单（回车）</translation>
    </message>
    <message>
        <source>&amp;Open slip</source>
        <translation>打开上解单(&amp;O)</translation>
    </message>
    <message>
        <source>{count} day closes · {pending} awaiting the county&apos;s confirmation</source>
        <translation>共 {count} 次日结 · {pending} 次待县医保局确认</translation>
    </message>
    <message>
        <source>No day has been closed on this computer yet.</source>
        <translation>本机尚无日结记录。</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Receipt numbers: {ranges}</source>
        <translation>收据号段：{ranges}</translation>
    </message>
    <message>
        <source>Voided: {voided}</source>
        <translation>作废收据：{voided}</translation>
    </message>
    <message>
        <source>Reason for the difference: {reason}</source>
        <translation>差额原因：{reason}</translation>
    </message>
    <message>
        <source>Deposited at: {time}</source>
        <translation>存款时间：{time}</translation>
    </message>
    <message>
        <source>Confirmed by: {who}</source>
        <translation>确认人：{who}</translation>
    </message>
    <message>
        <source>Remittance slip of {date} saved: {path}</source>
        <translation>{date} 的上解单已保存：{path}</translation>
    </message>
    <message>
        <source>The remittance slip of {date} was not saved: {reason}</source>
        <translation>{date} 的上解单未能保存：{reason}</translation>
    </message>
</context>
<context>
    <name>RosterImport</name>
    <message>
        <source>Import cancelled</source>
        <translation>导入已取消</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Row {row}: {reason}</source>
        <translation>第 {row} 行：{reason}</translation>
    </message>
    <message>
        <source>… and {count} more rejected rows.</source>
        <translation>…另有 {count} 行被拒绝。</translation>
    </message>
    <message>
        <source>Rejected rows (fix them in the file and import it again):</source>
        <translation>被拒绝的行（请在文件中改正后重新导入）：</translation>
    </message>
    <message>
        <source>Cannot import the roster</source>
        <translation>无法导入花名册</translation>
    </message>
</context>
<context>
    <name>SecretDialog</name>
    <message>
        <source>&amp;Name</source>
        <translation>姓名(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Role</source>
        <translation>角色(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Current password</source>
        <translation>原密码(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New password</source>
        <translation>新密码(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Password or PIN</source>
        <translation>密码或 PIN(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Again</source>
        <translation>再输一次(&amp;G)</translation>
    </message>
    <message>
        <source>A PIN needs at least 6 digits, a password at least 8 characters.</source>
        <translation>PIN 至少 6 位数字，密码至少 8 个字符。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Password or PIN</source>
        <translation>密码或 PIN(&amp;P)</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Supervisor approval</source>
        <translation>管理员批准</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>The desk was locked ({name}). Type the password to go on where you left off; another agent may sign in instead.</source>
        <translation>收费台已锁定（{name}）。输入密码即可从原处继续；也可由其他代收员登录。</translation>
    </message>
    <message>
        <source>Sign in to collect.</source>
        <translation>请登录后收费。</translation>
    </message>
    <message>
        <source>Type the account name.</source>
        <translation>请填写账户名。</translation>
    </message>
</context>
<context>
    <name>SpecialUnpaidModel</name>
    <message>
        <source>Village</source>
        <translation>村(社区)</translation>
    </message>
    <message>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>Sync stopped on an unexpected error ({error}); the details are in the log. Records are kept on this computer.</source>
        <translation>同步因意外错误中断（{error}），详情已写入日志。记录已保存在本机。</translation>
    </message>
</context>
<context>
    <name>SyncProblemsDialog</name>
    <message>
        <source>Sync problems</source>
        <translation>同步问题</translation>
    </message>
    <message>
        <source>The last sync reported these problems. The records stay on this computer; call the county&apos;s medical insurance office about any that do not clear.</source>
        <translation>最近一次同步有以下问题。记录仍保存在本机；如问题一直存在，请联系县医保局。</translation>
    </message>
    <message>
        <source>The last sync reported no problems.</source>
        <translation>最近一次同步没有问题。</translation>
    </message>
</context>
<context>
    <name>SyncStatusArea</name>
    <message>
        <source>Show the problems of the last sync</source>
        <translation>查看最近一次同步的问题</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Send the records to the county and fetch its changes now (Ctrl+Shift+S)</source>
        <translation>立即上传记录并下载县里的变更（Ctrl+Shift+S）</translation>
    </message>
    <message>
        <source>Not registered</source>
        <translation>未注册</translation>
    </message>
    <message>
        <source>Not connected yet</source>
        <translation>尚未连接</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <source>● Offline</source>
        <translation>● 离线</translation>
    </message>
    <message>
        <source>● Sync failed</source>
        <translation>● 同步出错</translation>
    </message>
    <message>
        <source>This computer is not registered with the county yet: Settings → Register with the county…, with the code the county gave you.</source>
        <translation>本机尚未向县医保局注册：请在“设置 → 向县医保局注册…”中填写县医保局给的注册码。</translation>
    </message>
    <message>
        <source>County server: {server}</source>
        <translation>县级服务器：{server}</translation>
    </message>
    <message>
        <source>{count} waiting to upload</source>
        <translation>待上传 {count} 条</translation>
    </message>
    <message>
        <source>Records on this computer the county has not confirmed yet</source>
        <translation>本机上县里尚未确认收到的记录</translation>
    </message>
    <message>
        <source>Last sync {time}</source>
        <translation>上次同步 {time}</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <source>{count} problems</source>
        <translation>问题 {count} 条</translation>
    </message>
</context>
<context>
    <name>VillageBars</name>
    <message>
        <source>No villages</source>
        <translation>没有村</translation>
    </message>
    <message>
        <source>Completion (enrolled ÷ task)</source>
        <translation>完成率（已参保 ÷ 任务数）</translation>
    </message>
    <message>
        <source>Participation (villages without a task)</source>
        <translation>参保率（未下达任务数的村）</translation>
    </message>
</context>
<context>
    <name>VoidDialog</name>
    <message>
        <source>Void receipt {receipt}</source>
        <translation>作废收据 {receipt}</translation>
    </message>
    <message>
        <source>Receipt {receipt}, household {household}, {payer}, {total}. The receipt stays in the sequence marked voided, and its members become due again.</source>
        <translation>收据 {receipt}，户号 {household}，{payer}，{total}。作废后收据仍保留在序列中并标注“作废”，所列人员恢复为应缴。</translation>
    </message>
    <message>
        <source>e.g. wrong member ticked, payment refunded</source>
        <translation>如：勾错人员、款项已退还</translation>
    </message>
    <message>
        <source>&amp;Reason (required):</source>
        <translation>作废原因(&amp;R)（必填）：</translation>
    </message>
    <message>
        <source>&amp;Void</source>
        <translation>作废(&amp;V)</translation>
    </message>
    <message>
        <source>A void needs a reason: type why this receipt is voided.</source>
        <translation>作废须填写原因：请写明为什么作废这张收据。</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import roster…</source>
        <translation>导入花名册(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>E&amp;xit</source>
        <translation>退出(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Receipts</source>
        <translation>收据(&amp;R)</translation>
    </message>
    <message>
        <source>Receipts of the &amp;day…</source>
        <translation>今日收据(&amp;D)…</translation>
    </message>
    <message>
        <source>Reprint the &amp;last receipt</source>
        <translation>重打上一张(&amp;L)</translation>
    </message>
    <message>
        <source>Day &amp;close…</source>
        <translation>日结(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Remittances…</source>
        <translation>上解记录(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Printer…</source>
        <translation>打印机(&amp;P)…</translation>
    </message>
    <message>
        <source>S&amp;ync</source>
        <translation>同步(&amp;Y)</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>立即同步(&amp;S)</translation>
    </message>
    <message>
        <source>Sync &amp;problems…</source>
        <translation>同步问题(&amp;P)…</translation>
    </message>
    <message>
        <source>Re&amp;ports</source>
        <translation>报表(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Progress and dunning list…</source>
        <translation>进度与催缴清单(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Corrections</source>
        <translation>修正(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New correction request…</source>
        <translation>新建更正申请(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Requests and follow-ups…</source>
        <translation>更正申请与待回访(&amp;R)…</translation>
    </message>
    <message>
        <source>S&amp;ettings</source>
        <translation>设置(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Register with the county…</source>
        <translation>向县医保局注册(&amp;R)…</translation>
    </message>
    <message>
        <source>Change &amp;password…</source>
        <translation>修改密码(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Accounts…</source>
        <translation>账户管理(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;End practice…</source>
        <translation>结束练习(&amp;E)…</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Something went wrong and the last action may not have finished.</source>
        <translation>程序出错了，刚才的操作可能没有完成。</translation>
    </message>
    <message>
        <source>The details were written to the log file:
{path}</source>
        <translation>详细情况已记录在日志文件中：
{path}</translation>
    </message>
    <message>
        <source>Program error</source>
        <translation>程序错误</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>Practice ended</source>
        <translation>练习已结束</translation>
    </message>
    <message>
        <source>The practice data is kept in {file}. This laptop now starts empty: register with the county to receive your villages&apos; roster.</source>
        <translation>练习数据已另存为 {file}。本机现在是空的：请向县医保局注册，接收所辖村的花名册。</translation>
    </message>
</context>
<context>
    <name>recovery</name>
    <message>
        <source>The database is damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>Restore this backup</source>
        <translation>用此备份恢复</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>The backup was not restored</source>
        <translation>备份未能恢复</translation>
    </message>
    <message>
        <source>Backup restored</source>
        <translation>备份已恢复</translation>
    </message>
</context>
</TS>
