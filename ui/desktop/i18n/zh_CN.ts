<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
        <source>&amp;Households</source>
        <translation>查到的户(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import roster…</source>
        <translation>导入花名册(&amp;I)…</translation>
    </message>
    <message>
        <source>E&amp;xit</source>
        <translation>退出(&amp;X)</translation>
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
        <source>&amp;Members</source>
        <translation>成员(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Members of household {number} · {township} {village} · {count} people</source>
        <translation>成员(&amp;M)：户号 {number} · {township} {village} · {count} 人</translation>
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
        <source>Enrolment status</source>
        <translation>参保状态</translation>
    </message>
    <message>
        <source>Subsidy</source>
        <translation>资助</translation>
    </message>
    <message>
        <source>Subsidised</source>
        <translation>资助对象</translation>
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
</context>
</TS>
