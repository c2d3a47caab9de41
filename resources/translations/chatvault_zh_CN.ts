<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>BubbleDelegate</name>
    <message>
        <source>Video call</source>
        <translation>视频通话</translation>
    </message>
    <message>
        <source>Voice call</source>
        <translation>语音通话</translation>
    </message>
    <message>
        <source>[Sticker]</source>
        <translation>[表情]</translation>
    </message>
    <message>
        <source>[A message type ChatVault cannot show yet]</source>
        <translation>[ChatVault 暂时无法显示的消息类型]</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待收款</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已收款</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退还</translation>
    </message>
    <message>
        <source>Red packet</source>
        <translation>微信红包</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>微信转账</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Contact card</source>
        <translation>个人名片</translation>
    </message>
    <message>
        <source>Poll</source>
        <translation>投票</translation>
    </message>
    <message>
        <source>Expired on the phone before the export: it cannot be recovered from this export.</source>
        <translation>导出前已在手机上过期，无法从这份导出中恢复。</translation>
    </message>
    <message>
        <source>The original was never downloaded. Open it in the app, then re-import.</source>
        <translation>原图从未下载。请先在聊天应用中打开它，再重新导入。</translation>
    </message>
    <message>
        <source>Not in the export. Open it in the app to download it, then re-import.</source>
        <translation>不在导出中。请先在聊天应用中打开以下载，再重新导入。</translation>
    </message>
    <message>
        <source>A message was recalled</source>
        <translation>撤回了一条消息</translation>
    </message>
    <message>
        <source>Forwarded from %1</source>
        <translation>转发自 %1</translation>
    </message>
    <message>
        <source>Forwarded</source>
        <translation>转发</translation>
    </message>
    <message>
        <source>Reply to a message that is not in the vault</source>
        <translation>引用的消息不在保险库中</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Deleted on phone</source>
        <translation>已在手机上删除</translation>
    </message>
    <message>
        <source>Recalled</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>Recalled by you</source>
        <translation>你已撤回</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Photo not in the export</source>
        <translation>图片不在导出中</translation>
    </message>
    <message>
        <source>Video not in the export</source>
        <translation>视频不在导出中</translation>
    </message>
    <message>
        <source>Photo expired</source>
        <translation>图片已过期</translation>
    </message>
    <message>
        <source>Video expired</source>
        <translation>视频已过期</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发出</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>Live location</source>
        <translation>实时位置</translation>
    </message>
    <message numerus="yes">
        <source>%n vote(s)</source>
        <translation>
            <numerusform>%n 票</numerusform>
        </translation>
    </message>
    <message>
        <source>The chat was exported without media. Export it again with media included, then re-import.</source>
        <translation>这个聊天导出时没有包含媒体文件。请重新导出并选择包含媒体，然后再次导入。</translation>
    </message>
    <message>
        <source>+%1 more</source>
        <translation>另有 %1 个</translation>
    </message>
    <message>
        <source>Thumbnail only</source>
        <translation>仅缩略图</translation>
    </message>
</context>
<context>
    <name>ChatList</name>
    <message>
        <source>[Photo]</source>
        <translation>[图片]</translation>
    </message>
    <message>
        <source>[Video]</source>
        <translation>[视频]</translation>
    </message>
    <message>
        <source>[Voice]</source>
        <translation>[语音]</translation>
    </message>
    <message>
        <source>[File]</source>
        <translation>[文件]</translation>
    </message>
    <message>
        <source>[Sticker]</source>
        <translation>[表情]</translation>
    </message>
    <message>
        <source>[Location]</source>
        <translation>[位置]</translation>
    </message>
    <message>
        <source>[Contact card]</source>
        <translation>[名片]</translation>
    </message>
    <message>
        <source>[Link]</source>
        <translation>[链接]</translation>
    </message>
    <message>
        <source>[Transfer]</source>
        <translation>[转账]</translation>
    </message>
    <message>
        <source>[Call]</source>
        <translation>[通话]</translation>
    </message>
    <message>
        <source>[Poll]</source>
        <translation>[投票]</translation>
    </message>
    <message>
        <source>[Recalled]</source>
        <translation>[已撤回]</translation>
    </message>
    <message>
        <source>[Red packet]</source>
        <translation>[红包]</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>保全中</translation>
    </message>
</context>
<context>
    <name>ChatVault</name>
    <message>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <source>ChatVault hit an unexpected problem. Your vault was not changed by it. The details are in the log; please include them in a report.</source>
        <translation>ChatVault 遇到了意外问题，您的保险库没有因此改变。详细信息已写入日志，报告问题时请附上。</translation>
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation>复制诊断信息</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
</context>
<context>
    <name>Core</name>
    <message>
        <source>Checking %1</source>
        <translation>正在检查 %1</translation>
    </message>
    <message>
        <source>Importing %1 (%2)</source>
        <translation>正在导入 %1（%2）</translation>
    </message>
    <message>
        <source>Reading %1</source>
        <translation>正在读取 %1</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>正在连接 %1</translation>
    </message>
    <message>
        <source>checking %1</source>
        <translation>正在检查 %1</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Making thumbnails</source>
        <translation>正在生成缩略图</translation>
    </message>
    <message>
        <source>Opening Weixin databases</source>
        <translation>正在打开微信数据库</translation>
    </message>
    <message>
        <source>Opening WeChat databases</source>
        <translation>正在打开微信数据库</translation>
    </message>
    <message>
        <source>Taking a snapshot of the database</source>
        <translation>正在为数据库创建快照</translation>
    </message>
    <message>
        <source>Test-restoring the new snapshot</source>
        <translation>正在试恢复新快照</translation>
    </message>
    <message>
        <source>Restoring media</source>
        <translation>正在恢复媒体文件</translation>
    </message>
    <message>
        <source>Restoring the database</source>
        <translation>正在恢复数据库</translation>
    </message>
    <message>
        <source>Backing up the database and media</source>
        <translation>正在备份数据库和媒体文件</translation>
    </message>
    <message>
        <source>Making the snapshot durable</source>
        <translation>正在将快照写入磁盘</translation>
    </message>
    <message>
        <source>Naming the damage</source>
        <translation>正在查明损坏之处</translation>
    </message>
    <message>
        <source>Verifying the snapshot</source>
        <translation>正在校验快照</translation>
    </message>
    <message>
        <source>rebuilding the search index</source>
        <translation>正在重建搜索索引</translation>
    </message>
    <message>
        <source>checking the header</source>
        <translation>正在检查文件头</translation>
    </message>
    <message>
        <source>checking the database</source>
        <translation>正在检查数据库</translation>
    </message>
    <message>
        <source>Telegram Desktop export (JSON)</source>
        <translation>Telegram 桌面版导出（JSON）</translation>
    </message>
    <message>
        <source>WhatsApp chat export</source>
        <translation>WhatsApp 聊天导出</translation>
    </message>
    <message>
        <source>Weixin 4.x (Windows/macOS)</source>
        <translation>微信 4.x（Windows/macOS）</translation>
    </message>
    <message>
        <source>WeChat for Windows 3.x</source>
        <translation>Windows 版微信 3.x</translation>
    </message>
    <message>
        <source>WeChat for Android (EnMicroMsg.db)</source>
        <translation>安卓版微信（EnMicroMsg.db）</translation>
    </message>
    <message>
        <source>Opening the iPhone backup</source>
        <translation>正在打开 iPhone 备份</translation>
    </message>
    <message>
        <source>Unlocking the encrypted backup</source>
        <translation>正在解锁加密的备份</translation>
    </message>
    <message>
        <source>iPhone backup (Finder/iTunes): WhatsApp and Messages</source>
        <translation>iPhone 备份（访达/iTunes）：WhatsApp 和信息</translation>
    </message>
    <message>
        <source>WhatsApp for iPhone (ChatStorage.sqlite)</source>
        <translation>iPhone 版 WhatsApp（ChatStorage.sqlite）</translation>
    </message>
    <message>
        <source>Signal Desktop (profile folder)</source>
        <translation>Signal 桌面版（配置文件夹）</translation>
    </message>
    <message>
        <source>Signal for Android (.backup)</source>
        <translation>Signal 安卓版（备份文件）</translation>
    </message>
</context>
<context>
    <name>CreateVaultDialog</name>
    <message>
        <source>Create your ChatVault</source>
        <translation>创建您的 ChatVault</translation>
    </message>
    <message>
        <source>ChatVault keeps your chats in an encrypted vault on this computer. Choose a passphrase: nobody can open the vault without it or the recovery key you will see next.</source>
        <translation>ChatVault 把您的聊天记录保存在这台电脑上的加密保险库中。请设置一个密码：没有它或接下来显示的恢复密钥，任何人都无法打开保险库。</translation>
    </message>
    <message>
        <source>Vault location</source>
        <translation>保险库位置</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Create vault</source>
        <translation>创建保险库</translation>
    </message>
    <message>
        <source>Creating the vault…</source>
        <translation>正在创建保险库…</translation>
    </message>
    <message>
        <source>Where should the vault live?</source>
        <translation>保险库放在哪里？</translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation>您的恢复密钥</translation>
    </message>
    <message>
        <source>This key opens your vault if you forget the passphrase. It is shown only now. Save it as a file on a USB stick or print it, and keep it somewhere safe.</source>
        <translation>忘记密码时，可以用这个密钥打开保险库。它只显示这一次。请保存为文件（例如存到 U 盘）或打印出来，并妥善保管。</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Nobody can recover a lost key: not ChatVault, not us, not anyone. If you lose both the passphrase and this key, your archive cannot be opened.</source>
        <translation>丢失的密钥无人能找回：ChatVault 不能，我们不能，任何人都不能。如果密码和这个密钥都丢失，您的存档将永远无法打开。</translation>
    </message>
    <message>
        <source>Save as file…</source>
        <translation>保存为文件…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>I have saved it</source>
        <translation>我已保存</translation>
    </message>
    <message>
        <source>Copied. The clipboard is cleared in %1 seconds.</source>
        <translation>已复制。剪贴板将在 %1 秒后清空。</translation>
    </message>
    <message>
        <source>ChatVault recovery key</source>
        <translation>ChatVault 恢复密钥</translation>
    </message>
    <message>
        <source>Vault: %1</source>
        <translation>保险库：%1</translation>
    </message>
    <message>
        <source>This key opens the vault if the passphrase is forgotten. Nobody can recover a lost key.</source>
        <translation>忘记密码时可用此密钥打开保险库。丢失的密钥无人能找回。</translation>
    </message>
    <message>
        <source>Save the recovery key</source>
        <translation>保存恢复密钥</translation>
    </message>
    <message>
        <source>Could not save the file: %1. Choose another place.</source>
        <translation>无法保存文件：%1。请选择其他位置。</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>已保存到 %1。</translation>
    </message>
    <message>
        <source>Check that you saved it</source>
        <translation>确认您已保存</translation>
    </message>
    <message>
        <source>Show the key again</source>
        <translation>再次显示密钥</translation>
    </message>
    <message>
        <source>Open my vault</source>
        <translation>打开我的保险库</translation>
    </message>
    <message>
        <source>Type group %1 and group %2 of your recovery key from what you saved or printed.</source>
        <translation>请根据您保存或打印的内容，输入恢复密钥的第 %1 组和第 %2 组。</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>第 %1 组</translation>
    </message>
    <message>
        <source>That does not match. Look at the key you saved, or go back and show it again.</source>
        <translation>不匹配。请查看您保存的密钥，或返回再次显示。</translation>
    </message>
</context>
<context>
    <name>DamageNotice</name>
    <message>
        <source>Part of this vault cannot be read: vault.db is damaged. Finding the damaged pages…</source>
        <translation>此保险库的一部分无法读取：vault.db 已损坏。正在查找损坏的页面…</translation>
    </message>
    <message>
        <source>Part of this vault cannot be read. %1 Run “chatvault check” for the full list, and restore vault.db from a backup to get the damaged part back.</source>
        <translation>此保险库的一部分无法读取。%1 运行“chatvault check”查看完整列表，并从备份恢复 vault.db 以找回损坏的部分。</translation>
    </message>
</context>
<context>
    <name>GalleryPage</name>
    <message>
        <source>Media</source>
        <translation>媒体</translation>
    </message>
    <message>
        <source>This chat</source>
        <translation>当前聊天</translation>
    </message>
    <message>
        <source>All chats</source>
        <translation>全部聊天</translation>
    </message>
    <message>
        <source>Photos and videos</source>
        <translation>图片和视频</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Videos</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Captured files</source>
        <translation>捕获的文件</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Missing media</source>
        <translation>缺失的媒体</translation>
    </message>
    <message>
        <source>These files are mentioned in your chats but were not in the export. If you find one (on the phone, in a backup, in the messenger's folder), choose it with "Locate file…" and it is added to the vault.</source>
        <translation>这些文件在聊天中出现过，但不在导出中。如果您找到了某个文件（在手机上、备份里或聊天软件的文件夹中），用“查找文件…”选中它，它就会被加入保险库。</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Why it is missing</source>
        <translation>缺失原因</translation>
    </message>
    <message>
        <source>Locate file…</source>
        <translation>查找文件…</translation>
    </message>
    <message>
        <source>This chat: %1</source>
        <translation>当前聊天：%1</translation>
    </message>
    <message>
        <source>Any date</source>
        <translation>任意日期</translation>
    </message>
    <message>
        <source>Select a missing file in the list first.</source>
        <translation>请先在列表中选择一个缺失的文件。</translation>
    </message>
    <message>
        <source>Locate the missing file</source>
        <translation>查找缺失的文件</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Added to the vault.</source>
        <translation>已加入保险库。</translation>
    </message>
    <message>
        <source>That attachment was already filled.</source>
        <translation>这个附件已经补全了。</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>另存一份</translation>
    </message>
    <message>
        <source>Saved a copy to %1</source>
        <translation>已另存到 %1</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>← Previous</source>
        <translation>← 上一张</translation>
    </message>
    <message>
        <source>Next →</source>
        <translation>下一张 →</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>另存一份…</translation>
    </message>
    <message>
        <source>This image cannot be shown.</source>
        <translation>无法显示这张图片。</translation>
    </message>
    <message>
        <source>Thumbnail only (the export did not contain the original)</source>
        <translation>仅缩略图（导出中没有原图）</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>Photo %1 of %2</source>
        <translation>第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>另存一份</translation>
    </message>
    <message>
        <source>Saved a copy to %1</source>
        <translation>已另存到 %1</translation>
    </message>
    <message>
        <source>HD (the sender's original is larger)</source>
        <translation>高清（发送者的原图更大）</translation>
    </message>
</context>
<context>
    <name>ImportController</name>
    <message>
        <source>Choose the export folder</source>
        <translation>选择导出文件夹</translation>
    </message>
    <message>
        <source>Choose an export</source>
        <translation>选择导出文件</translation>
    </message>
    <message>
        <source>Chat exports (*.zip *.txt *.json *.db *.html);;All files (*)</source>
        <translation>聊天导出 (*.zip *.txt *.json *.db *.html);;所有文件 (*)</translation>
    </message>
    <message>
        <source>An import is already running.</source>
        <translation>已有一个导入正在进行。</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>当前批次完成后停止…</translation>
    </message>
    <message>
        <source>Choose one export or several</source>
        <translation>选择一个或多个导出</translation>
    </message>
    <message>
        <source>Import finished: %1 new messages.</source>
        <translation>导入完成：%1 条新消息。</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <source>Reading %1 to see what it holds…</source>
        <translation>正在读取 %1，查看其中的内容…</translation>
    </message>
    <message>
        <source>Which name is me</source>
        <translation>哪个名字是我</translation>
    </message>
    <message>
        <source>Detected automatically; type your name as it appears to change it</source>
        <translation>自动识别；如需更改，请输入您在聊天中显示的名字</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Import progress</source>
        <translation>导入进度</translation>
    </message>
    <message>
        <source>You can keep reading your chats while this runs. Cancel keeps what is already imported; importing again continues where it stopped.</source>
        <translation>导入期间您可以继续查看聊天记录。取消会保留已导入的内容；再次导入会从中断处继续。</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Media found</source>
        <translation>找到的媒体</translation>
    </message>
    <message>
        <source>Media missing from the export</source>
        <translation>导出中缺失的媒体</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Lines not understood</source>
        <translation>无法识别的行</translation>
    </message>
    <message>
        <source>WhatsApp limits exports to 10,000 messages with media (40,000 without): older messages may be missing. Export again "without media" to get more.</source>
        <translation>WhatsApp 导出含媒体时最多 10,000 条消息（不含媒体时 40,000 条）：较早的消息可能缺失。请选择“不含媒体”重新导出以获得更多消息。</translation>
    </message>
    <message>
        <source>Some media are not in the export. They will be listed as missing; you can add them later from Media → Missing.</source>
        <translation>部分媒体不在导出中。它们会被列为缺失；您之后可以在“媒体 → 缺失的媒体”中补上。</translation>
    </message>
    <message>
        <source>%1 (%2 messages)</source>
        <translation>%1（%2 条消息）</translation>
    </message>
    <message>
        <source>You chose this before for these chats; it is kept unless you change it.</source>
        <translation>这是你之前为这些聊天选定的，除非你更改，否则保持不变。</translation>
    </message>
    <message>
        <source>Found in the export. Choose another name if this is not you.</source>
        <translation>从导出中识别。如果这不是你，请选择其他名字。</translation>
    </message>
    <message>
        <source>The export does not say which sender is you: choose your name, or your messages will be shown as someone else's (you can change it later in the chat list's menu).</source>
        <translation>导出中没有说明哪个发送者是你：请选择你的名字，否则你的消息会显示为别人的（之后也可以在聊天列表的菜单中更改）。</translation>
    </message>
    <message>
        <source>%1 of %2 messages</source>
        <translation>%1 / %2 条消息</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation>%1 条消息</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1 条/秒</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>Import cancelled. What was imported so far is kept; import the same export again to continue.</source>
        <translation>导入已取消。已导入的内容会保留；再次导入同一份导出即可继续。</translation>
    </message>
    <message>
        <source>Imported, with some parts that could not be read</source>
        <translation>已导入，但有部分内容无法读取</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>新消息</translation>
    </message>
    <message>
        <source>Already in the vault</source>
        <translation>已在保险库中</translation>
    </message>
    <message>
        <source>Deleted on the phone since the last import (kept here)</source>
        <translation>自上次导入后在手机上删除的（此处仍保留）</translation>
    </message>
    <message>
        <source>Recalled by their sender since the last import (text kept)</source>
        <translation>上次导入后被发送者撤回（原文已保留）</translation>
    </message>
    <message>
        <source>Media stored</source>
        <translation>已保存的媒体</translation>
    </message>
    <message>
        <source>… and %1 more (see `chatvault import-log`).</source>
        <translation>… 还有 %1 行（见 `chatvault import-log`）。</translation>
    </message>
    <message>
        <source>This could not be imported</source>
        <translation>无法导入</translation>
    </message>
    <message>
        <source>In which order are the dates in this chat written?</source>
        <translation>这个聊天中的日期是按什么顺序书写的？</translation>
    </message>
    <message>
        <source>Date order</source>
        <translation>日期顺序</translation>
    </message>
    <message>
        <source>Look at a message whose date you remember. If you choose wrongly, import again and choose the other order: the messages are moved to the right dates, not copied.</source>
        <translation>请参照一条您记得日期的消息。如果选错了，请重新导入并选择另一种顺序：消息会被移到正确的日期，而不会被复制。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Every date in this export could be day-first or month-first: "%1" is %2 or %3, and nothing in the file tells which.</source>
        <translation>此导出中的每个日期都既可以按“日在前”也可以按“月在前”理解：“%1”是 %2 或 %3，文件中没有任何信息能说明是哪一种。</translation>
    </message>
    <message>
        <source>Day first (%1)</source>
        <translation>日在前（%1）</translation>
    </message>
    <message>
        <source>The vault keeps this chat read day first; choose the other only if its dates were wrong.</source>
        <translation>保险库中的这个聊天按“日在前”读取；只有日期读错时才选另一种。</translation>
    </message>
    <message>
        <source>The vault keeps this chat read month first; choose the other only if its dates were wrong.</source>
        <translation>保险库中的这个聊天按“月在前”读取；只有日期读错时才选另一种。</translation>
    </message>
    <message>
        <source>Month first (%1)</source>
        <translation>月在前（%1）</translation>
    </message>
    <message>
        <source>Year first</source>
        <translation>年在前</translation>
    </message>
    <message>
        <source>%1 a second</source>
        <translation>每秒 %1 条</translation>
    </message>
    <message>
        <source>Import %1 exports</source>
        <translation>导入 %1 个导出</translation>
    </message>
    <message>
        <source>%1 exports</source>
        <translation>%1 个导出</translation>
    </message>
    <message>
        <source>What will be imported</source>
        <translation>将要导入的内容</translation>
    </message>
    <message>
        <source>%1 exports will be imported as one job</source>
        <translation>%1 个导出将作为一个任务导入</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Correct the values marked in red to start.</source>
        <translation>请先更正标红的值。</translation>
    </message>
    <message>
        <source>Give the values asked for in red to start.</source>
        <translation>请先填写红字要求的值。</translation>
    </message>
    <message>
        <source>Nothing here can be imported.</source>
        <translation>这里没有可以导入的内容。</translation>
    </message>
    <message>
        <source>%1 of %2 exports cannot be imported; the report will list them.</source>
        <translation>%2 个导出中有 %1 个无法导入；报告中会列出它们。</translation>
    </message>
    <message>
        <source>Importing %1 of %2: %3</source>
        <translation>正在导入第 %1 个，共 %2 个：%3</translation>
    </message>
    <message>
        <source>None of these could be imported</source>
        <translation>这些都无法导入</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <source>Already present</source>
        <translation>已存在</translation>
    </message>
    <message>
        <source>Added, with gaps</source>
        <translation>已添加，有缺漏</translation>
    </message>
    <message>
        <source>Stopped by Cancel (what was imported is kept)</source>
        <translation>已取消（已导入的内容会保留）</translation>
    </message>
    <message>
        <source>Not started (cancelled)</source>
        <translation>未开始（已取消）</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>… and %1 more, kept with the import.</source>
        <translation>…… 还有 %1 行，已随导入保存。</translation>
    </message>
    <message>
        <source>Checking whether %1 was imported before…</source>
        <translation>正在检查 %1 是否已导入过…</translation>
    </message>
</context>
<context>
    <name>JumpToDateDialog</name>
    <message>
        <source>Jump to date</source>
        <translation>跳转到日期</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Chats</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Media</source>
        <translation>媒体</translation>
    </message>
    <message>
        <source>Protection</source>
        <translation>保护</translation>
    </message>
    <message>
        <source>Import an export</source>
        <translation>导入聊天记录</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Filter chats</source>
        <translation>搜索聊天</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>聊天列表</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import export file…</source>
        <translation>导入导出文件(&amp;I)…</translation>
    </message>
    <message>
        <source>Import export &amp;folder…</source>
        <translation>导入导出文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Chats</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Media</source>
        <translation>媒体(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Protection</source>
        <translation>保护(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Jump to date…</source>
        <translation>跳转到日期(&amp;J)…</translation>
    </message>
    <message>
        <source>M&amp;issing media…</source>
        <translation>缺失的媒体(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;People…</source>
        <translation>联系人(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About ChatVault</source>
        <translation>关于 ChatVault(&amp;A)</translation>
    </message>
    <message>
        <source>ChatVault is locked. Your chats are encrypted on disk.</source>
        <translation>ChatVault 已锁定。您的聊天记录在磁盘上是加密的。</translation>
    </message>
    <message>
        <source>Unlock…</source>
        <translation>解锁…</translation>
    </message>
    <message>
        <source>%1 conversations</source>
        <translation>%1 个聊天</translation>
    </message>
    <message>
        <source>This photo is not in the vault: %1</source>
        <translation>这张图片不在保险库中：%1</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Open protection</source>
        <translation>打开保护页</translation>
    </message>
    <message>
        <source>About ChatVault</source>
        <translation>关于 ChatVault</translation>
    </message>
    <message>
        <source>ChatVault %1
Keep your chat histories safe for good: an encrypted, searchable archive.</source>
        <translation>ChatVault %1
永久安全地保存您的聊天记录：加密、可搜索的存档。</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>C&amp;ompliance</source>
        <translation>合规(&amp;O)</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message numerus="yes">
        <source>%Ln conversations</source>
        <translation>
            <numerusform>%Ln 个聊天</numerusform>
        </translation>
    </message>
    <message>
        <source>Show progress</source>
        <translation>查看进度</translation>
    </message>
    <message>
        <source>Missing &amp;media…</source>
        <translation>缺失的媒体(&amp;M)…</translation>
    </message>
    <message numerus="yes">
        <source>%n conversation(s)</source>
        <translation>
            <numerusform>%n 个聊天</numerusform>
        </translation>
    </message>
    <message>
        <source>Moments</source>
        <translation>朋友圈</translation>
    </message>
    <message>
        <source>Mome&amp;nts</source>
        <translation>朋友圈(&amp;N)</translation>
    </message>
    <message>
        <source>Peop&amp;le…</source>
        <translation>联系人(&amp;L)…</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>收藏</translation>
    </message>
</context>
<context>
    <name>MediaModel</name>
    <message>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>Not in the export</source>
        <translation>不在导出中</translation>
    </message>
    <message>
        <source>Thumbnail only</source>
        <translation>仅缩略图</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>PassphraseFields</name>
    <message>
        <source>Passphrase</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation>密码强度</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <source>Use it anyway. I understand that anyone who gets a copy of the vault folder can try to guess a weak passphrase on their own computer, without limit.</source>
        <translation>仍然使用。我明白：任何拿到保险库文件夹副本的人，都可以在自己的电脑上不受限制地猜测弱密码。</translation>
    </message>
    <message>
        <source>Very weak</source>
        <translation>非常弱</translation>
    </message>
    <message>
        <source>Weak</source>
        <translation>弱</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Strong</source>
        <translation>强</translation>
    </message>
    <message>
        <source>Very strong</source>
        <translation>非常强</translation>
    </message>
    <message>
        <source>Use four or more unrelated words; a sentence only you know works well.</source>
        <translation>使用四个或更多互不相关的词语；一句只有您知道的话也很好。</translation>
    </message>
    <message>
        <source>Only spaces: spaces around a passphrase are not part of it.</source>
        <translation>只有空格：密码前后的空格不算作密码的一部分。</translation>
    </message>
    <message>
        <source>Strength: %1.</source>
        <translation>强度：%1。</translation>
    </message>
    <message>
        <source>Too easy to guess: add more words.</source>
        <translation>太容易被猜到：请再加几个词。</translation>
    </message>
    <message>
        <source>Choose a passphrase.</source>
        <translation>请设置密码。</translation>
    </message>
    <message>
        <source>A passphrase of only spaces is not a passphrase: spaces around it are ignored. Choose a passphrase of several words.</source>
        <translation>只由空格组成的不能作为密码：密码前后的空格会被忽略。请设置一个由几个词组成的密码。</translation>
    </message>
    <message>
        <source>The passphrase holds a control character, which cannot be typed the same way twice. Use letters, digits, punctuation and spaces.</source>
        <translation>密码中含有控制字符，无法保证每次都能以同样方式输入。请使用字母、数字、标点和空格。</translation>
    </message>
    <message>
        <source>This passphrase is too easy to guess. Add a few more unrelated words, or tick “Use it anyway” if you accept the risk.</source>
        <translation>这个密码太容易被猜到。请再加几个互不相关的词；如果您接受这个风险，也可以勾选“仍然使用”。</translation>
    </message>
    <message>
        <source>The two passphrases differ. Type the same passphrase twice.</source>
        <translation>两次输入的密码不一致，请输入相同的密码。</translation>
    </message>
</context>
<context>
    <name>ProtectionPage</name>
    <message>
        <source>Protection</source>
        <translation>保护</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Watch folders</source>
        <translation>监视文件夹</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>备份位置</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last verified backup</source>
        <translation>最近一次已验证的备份</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last captured</source>
        <translation>最近收录</translation>
    </message>
    <message>
        <source>Add a backup folder…</source>
        <translation>添加备份文件夹…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Add a watch folder…</source>
        <translation>添加监视文件夹…</translation>
    </message>
    <message>
        <source>Stop watching</source>
        <translation>停止监视</translation>
    </message>
    <message>
        <source>ChatVault copies new files from these folders into the vault (capture), or imports new exports saved there (auto-import). Deleting a file there never deletes it from the vault.</source>
        <translation>ChatVault 会把这些文件夹中的新文件复制到保险库（收录），或导入保存在其中的新导出（自动导入）。在那里删除文件，永远不会从保险库中删除。</translation>
    </message>
    <message>
        <source>Backup destinations</source>
        <translation>备份位置</translation>
    </message>
    <message>
        <source>No verified backup yet</source>
        <translation>还没有已验证的备份</translation>
    </message>
    <message>
        <source>The restore test of the newest backup failed: %1</source>
        <translation>最新备份的还原测试失败：%1</translation>
    </message>
    <message>
        <source>Damage found in your archive: %1 database pages and %2 media files fail their checks (%3 messages affected). It was not backed up; the last clean backup is kept.</source>
        <translation>在您的存档中发现损坏：%1 个数据库页面和 %2 个媒体文件未通过校验（涉及 %3 条消息）。本次未备份；最近一次完好的备份已保留。</translation>
    </message>
    <message>
        <source>Chats: %1</source>
        <translation>涉及的聊天：%1</translation>
    </message>
    <message>
        <source>Last verified backup: %1 (%2)</source>
        <translation>最近一次已验证的备份：%1（%2）</translation>
    </message>
    <message>
        <source>older than %1 days</source>
        <translation>已超过 %1 天</translation>
    </message>
    <message>
        <source>the last attempt failed: %1</source>
        <translation>上次尝试失败：%1</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>每天</translation>
    </message>
    <message>
        <source>Every %1 days</source>
        <translation>每 %1 天</translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation>每小时</translation>
    </message>
    <message>
        <source>Every %1 hours</source>
        <translation>每 %1 小时</translation>
    </message>
    <message>
        <source>Every %1 minutes</source>
        <translation>每 %1 分钟</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 minutes ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <source>%1 hours ago</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation>%1 天前</translation>
    </message>
    <message>
        <source>All backups are up to date.</source>
        <translation>所有备份都是最新的。</translation>
    </message>
    <message>
        <source>Your archive has no backup yet. Add a backup folder on another drive.</source>
        <translation>您的存档还没有备份。请在另一块硬盘上添加一个备份文件夹。</translation>
    </message>
    <message>
        <source>The watch folder %1 cannot be reached (unplugged drive or network share?).</source>
        <translation>无法访问监视文件夹 %1（硬盘已拔出或网络共享断开？）。</translation>
    </message>
    <message>
        <source>On schedule</source>
        <translation>按计划</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>需要注意</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>有风险</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>现在到期</translation>
    </message>
    <message>
        <source>next %1</source>
        <translation>下次 %1</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>清理</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Copy new files</source>
        <translation>复制新文件</translation>
    </message>
    <message>
        <source>Import new exports</source>
        <translation>导入新导出</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <source>Scanning</source>
        <translation>正在扫描</translation>
    </message>
    <message>
        <source>Watching</source>
        <translation>监视中</translation>
    </message>
    <message>
        <source>Cannot be reached</source>
        <translation>无法访问</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>%1 captured</source>
        <translation>已收录 %1 个</translation>
    </message>
    <message>
        <source>Choose a folder to watch</source>
        <translation>选择要监视的文件夹</translation>
    </message>
    <message>
        <source>Copy new files into the vault (capture)</source>
        <translation>把新文件复制到保险库（收录）</translation>
    </message>
    <message>
        <source>Import new exports saved here (auto-import)</source>
        <translation>导入保存在这里的新导出（自动导入）</translation>
    </message>
    <message>
        <source>Watch rule</source>
        <translation>监视规则</translation>
    </message>
    <message>
        <source>What should ChatVault do?</source>
        <translation>ChatVault 应该做什么？</translation>
    </message>
    <message>
        <source>Choose a backup folder (ideally on another drive)</source>
        <translation>选择备份文件夹（最好在另一块硬盘上）</translation>
    </message>
    <message>
        <source>Name this backup</source>
        <translation>为这个备份命名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Cancelled. Nothing already saved was lost.</source>
        <translation>已取消。已保存的内容没有丢失。</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>It did not work: %1</source>
        <translation>操作失败：%1</translation>
    </message>
    <message>
        <source>Backup to %1 finished and verified: %2 sent of %3.</source>
        <translation>备份到 %1 已完成并通过验证：共 %3，本次发送 %2。</translation>
    </message>
    <message>
        <source>Backing up to %1…</source>
        <translation>正在备份到 %1…</translation>
    </message>
    <message>
        <source>%1: every snapshot and object is intact (%2 snapshots checked).</source>
        <translation>%1：所有快照和数据都完好（检查了 %2 个快照）。</translation>
    </message>
    <message>
        <source>%1: %2 damaged objects found. Run a new backup now.</source>
        <translation>%1：发现 %2 个损坏的数据块。请立即重新备份。</translation>
    </message>
    <message>
        <source>Verifying %1…</source>
        <translation>正在验证 %1…</translation>
    </message>
    <message>
        <source>Scheduled backup…</source>
        <translation>计划备份…</translation>
    </message>
    <message>
        <source>%1: every snapshot and object is intact.</source>
        <translation>%1：所有快照和对象都完好无损。</translation>
    </message>
    <message numerus="yes">
        <source>%n damaged objects found. Run a new backup now.</source>
        <translation>
            <numerusform>发现 %n 个损坏的对象。请立即重新备份。</numerusform>
        </translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>正在进行</translation>
    </message>
    <message>
        <source>%1 backed up, %2 of it new</source>
        <translation>已备份 %1，其中新增 %2</translation>
    </message>
    <message>
        <source>Checked %1 and %2; %3 read back.</source>
        <translation>已检查%1和%2，读回 %3。</translation>
    </message>
    <message numerus="yes">
        <source>%n snapshots</source>
        <translation>
            <numerusform> %n 个快照</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objects</source>
        <translation>
            <numerusform> %n 个对象</numerusform>
        </translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <source>Damage found in your archive: %1 and %2 fail their checks (%3 affected). It was not backed up; the last clean backup is kept.</source>
        <translation>在您的存档中发现损坏：%1和%2未通过校验（涉及%3）。本次未备份；最近一次完好的备份已保留。</translation>
    </message>
    <message numerus="yes">
        <source>%n database pages</source>
        <translation>
            <numerusform> %n 个数据库页面</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n media files</source>
        <translation>
            <numerusform> %n 个媒体文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n messages</source>
        <translation>
            <numerusform> %n 条消息</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>older than %n days</source>
        <translation>
            <numerusform>已超过 %n 天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Every %n minutes</source>
        <translation>
            <numerusform>每 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <source>Custodian</source>
        <translation>保管人</translation>
    </message>
    <message>
        <source>Whose archive are the exports saved in this folder?</source>
        <translation>保存在此文件夹中的导出属于谁的档案？</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Restore from %1</source>
        <translation>从 %1 恢复</translation>
    </message>
    <message>
        <source>A restore builds a complete vault in a new folder. Your current vault is not touched.</source>
        <translation>恢复会在新文件夹中重建完整的保险库，不会改动当前的保险库。</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>条消息</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>快照</translation>
    </message>
    <message>
        <source>Restore into</source>
        <translation>恢复到</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Choose an empty folder</source>
        <translation>选择一个空文件夹</translation>
    </message>
    <message>
        <source>Restored to %1. It is a complete vault: open it in a new window to check it, with the passphrase it had when the backup was made.</source>
        <translation>已恢复到 %1。这是一个完整的保险库：可在新窗口中打开检查，使用备份时的密码。</translation>
    </message>
    <message>
        <source>Open it in a new window</source>
        <translation>在新窗口中打开</translation>
    </message>
    <message>
        <source>Restored to %1 with problems: %2 media files could not be restored.</source>
        <translation>已恢复到 %1，但有问题：%2 个媒体文件无法恢复。</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <source>Search all chats</source>
        <translation>搜索全部聊天</translation>
    </message>
    <message>
        <source>Search messages, e.g. 红包 or "train ticket"</source>
        <translation>搜索消息，例如：红包 或 "火车票"</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>发送者</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Only deleted on phone</source>
        <translation>仅显示已在手机上删除的</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Everywhere</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Moments</source>
        <translation>朋友圈</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Videos</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>转账和红包</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Stickers</source>
        <translation>表情</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>System messages</source>
        <translation>系统消息</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新在前</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早在前</translation>
    </message>
    <message>
        <source>Best match</source>
        <translation>最相关</translation>
    </message>
    <message>
        <source>All chats</source>
        <translation>全部聊天</translation>
    </message>
    <message>
        <source>Type a word or two. Chinese works with one or two characters.</source>
        <translation>输入一两个词。中文输入一两个字即可。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>No messages match. Try fewer words or remove a filter.</source>
        <translation>没有匹配的消息。请减少关键词或去掉筛选条件。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) (%1 ms)</source>
        <translation>
            <numerusform>%Ln 条消息（%1 毫秒）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>showing the first %Ln</source>
        <translation>
            <numerusform>显示前 %Ln 条</numerusform>
        </translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <source>%1 messages (%2 ms)</source>
        <translation>%1 条消息（%2 毫秒）</translation>
    </message>
    <message>
        <source>showing the first %1</source>
        <translation>显示前 %1 条</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n 条消息</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>System size</source>
        <translation>系统大小</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Lock when the session's screen is locked</source>
        <translation>系统锁屏时同时锁定</translation>
    </message>
    <message>
        <source>Also notify when a backup succeeds</source>
        <translation>备份成功时也通知</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>字体大小</translation>
    </message>
    <message>
        <source>Lock after this long without keyboard or mouse activity</source>
        <translation>键盘和鼠标无操作多久后锁定</translation>
    </message>
    <message>
        <source>Idle lock</source>
        <translation>闲置锁定</translation>
    </message>
    <message>
        <source>Ctrl+L locks at any time. Locking closes the database and forgets the key.</source>
        <translation>随时按 Ctrl+L 锁定。锁定会关闭数据库并清除密钥。</translation>
    </message>
    <message>
        <source>Change passphrase…</source>
        <translation>更改密码…</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>The passphrase was changed. Use the new one from now on.</source>
        <translation>密码已更改。今后请使用新密码。</translation>
    </message>
    <message>
        <source>Only the owner changes the vault's passphrase.</source>
        <translation>只有所有者可以更改保险库的密码。</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Open ChatVault</source>
        <translation>打开 ChatVault</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>ChatVault is locked</source>
        <translation>ChatVault 已锁定</translation>
    </message>
    <message>
        <source>ChatVault</source>
        <translation>ChatVault</translation>
    </message>
    <message>
        <source>Your archive is protected again.</source>
        <translation>您的存档已恢复保护。</translation>
    </message>
    <message>
        <source>ChatVault needs attention</source>
        <translation>ChatVault 需要您注意</translation>
    </message>
    <message>
        <source>ChatVault keeps watching your folders and backing up. Use the tray icon to open it, or Quit from its menu.</source>
        <translation>ChatVault 会继续监视文件夹并备份。点击托盘图标可打开它，或在其菜单中选择退出。</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Unlock ChatVault</source>
        <translation>解锁 ChatVault</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Remember the passphrase in this computer's keyring</source>
        <translation>在这台电脑的钥匙串中记住密码</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Choose a new passphrase</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <source>The recovery key opened the vault. Choose a new passphrase now, so that you do not need the key next time. The recovery key stays valid.</source>
        <translation>恢复密钥已打开保险库。请现在设置一个新密码，这样下次就不再需要恢复密钥。恢复密钥仍然有效。</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <source>Set passphrase</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>Setting the new passphrase…</source>
        <translation>正在设置新密码…</translation>
    </message>
    <message>
        <source>The passphrase was not changed: %1</source>
        <translation>密码未更改：%1</translation>
    </message>
    <message>
        <source>Type the recovery key of the vault in %1 (8 groups of 5 characters).</source>
        <translation>请输入 %1 中保险库的恢复密钥（8 组，每组 5 个字符）。</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>恢复密钥</translation>
    </message>
    <message>
        <source>Use the passphrase instead</source>
        <translation>改用密码</translation>
    </message>
    <message>
        <source>Enter the passphrase of the vault in %1</source>
        <translation>请输入 %1 中保险库的密码</translation>
    </message>
    <message>
        <source>Forgot it? Use the recovery key</source>
        <translation>忘记了？使用恢复密钥</translation>
    </message>
    <message>
        <source>Unlocking…</source>
        <translation>正在解锁…</translation>
    </message>
    <message>
        <source>The passphrase remembered in the keyring no longer opens this vault. Type the current passphrase.</source>
        <translation>钥匙串中记住的密码已无法打开此保险库。请输入当前密码。</translation>
    </message>
    <message>
        <source>Wrong passphrase: the vault was not unlocked and nothing was changed.</source>
        <translation>密码错误：保险库未解锁，也没有任何改动。</translation>
    </message>
    <message>
        <source>Check the keyboard layout and Caps Lock, or use your recovery key (link below).</source>
        <translation>请检查键盘布局和大写锁定，或使用恢复密钥（见下方链接）。</translation>
    </message>
    <message>
        <source>That recovery key does not open this vault. It is well-formed, so it may belong to another vault.</source>
        <translation>这个恢复密钥打不开此保险库。它格式正确，可能属于另一个保险库。</translation>
    </message>
    <message>
        <source>The vault could not be opened: %1</source>
        <translation>无法打开保险库：%1</translation>
    </message>
    <message>
        <source>Check the keyboard layout and Caps Lock and type it again, or click “Forgot it? Use the recovery key” below.</source>
        <translation>请检查键盘布局和大写锁定后重新输入，或点击下方的“忘记了？使用恢复密钥”。</translation>
    </message>
</context>
<context>
    <name>WhoIsMe</name>
    <message>
        <source>Which sender is me?</source>
        <translation>哪个发送者是我？</translation>
    </message>
    <message>
        <source>This is me: %1</source>
        <translation>这是我：%1</translation>
    </message>
    <message>
        <source>No senders in this chat</source>
        <translation>此聊天中没有发送者</translation>
    </message>
    <message>
        <source>%1 is now shown as you (%2 messages moved to your side).</source>
        <translation>现在 %1 显示为你（%2 条消息移到了你这一侧）。</translation>
    </message>
    <message>
        <source>Could not change who is me: %1</source>
        <translation>无法更改哪个是我：%1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is now shown as you (%n message(s) moved to your side).</source>
        <translation>
            <numerusform>%1 现在显示为您（%n 条消息移到了您这一侧）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CompliancePage</name>
    <message>
        <source>No compliance officer passphrase is set: you can change everything here. A firm sets one so that only the officer can.</source>
        <translation>尚未设置合规专员口令：您可以更改此处的所有内容。企业可设置该口令，使只有合规专员才能更改。</translation>
    </message>
    <message>
        <source>Set officer passphrase…</source>
        <translation>设置合规专员口令…</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>Custodians</source>
        <translation>保管人</translation>
    </message>
    <message>
        <source>Legal holds</source>
        <translation>法律保全</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保留策略</translation>
    </message>
    <message>
        <source>Erasure</source>
        <translation>删除请求</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <source>Productions</source>
        <translation>证据出具</translation>
    </message>
    <message>
        <source>Unlocked as the compliance officer: changes here are recorded under your role.</source>
        <translation>已以合规专员身份解锁：此处的更改将以您的角色记录。</translation>
    </message>
    <message>
        <source>Change officer passphrase…</source>
        <translation>更改合规专员口令…</translation>
    </message>
    <message>
        <source>Read-only: this vault has a compliance officer, and it was unlocked with the owner's passphrase. Lock and unlock with the officer's passphrase to make changes.</source>
        <translation>只读：此保险库设有合规专员，而当前是用所有者口令解锁的。请锁定后用合规专员口令解锁再进行更改。</translation>
    </message>
</context>
<context>
    <name>AuditTab</name>
    <message>
        <source>Every import, export, hold, policy change, deletion and erasure, each entry holding the hash of the one before it. The newest hash is sealed into every backup, so a rewritten history no longer matches them.</source>
        <translation>每一次导入、导出、保全、策略更改、删除和删除请求都会记录，每条记录都包含前一条的哈希值。最新的哈希值会封存在每个备份中，因此被改写的历史将与备份不符。</translation>
    </message>
    <message>
        <source>Only this action, as the Action column writes it</source>
        <translation>仅此操作（按“操作”列中的写法输入）</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>导出 JSON…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>哈希</translation>
    </message>
    <message>
        <source>Verifying the audit trail and the backups' sealed heads…</source>
        <translation>正在验证审计记录及备份中封存的链头…</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <source>Saved to %2 (entries: %1).</source>
        <translation>已保存到 %2（条目：%1）。</translation>
    </message>
    <message>
        <source>Audit trail intact — entries: %1; backup snapshots that agree: %2.</source>
        <translation>审计记录完整 — 条目：%1；与之一致的备份快照：%2。</translation>
    </message>
    <message>
        <source>Audit trail BROKEN at entry %1: %2</source>
        <translation>审计记录在第 %1 条处断裂：%2</translation>
    </message>
    <message>
        <source>Record every search in the audit trail (compliance mode)</source>
        <translation>在审计记录中记录每一次搜索（合规模式）</translation>
    </message>
    <message>
        <source>Every search is recorded now.</source>
        <translation>现在会记录每一次搜索。</translation>
    </message>
    <message>
        <source>Searches are not recorded any more.</source>
        <translation>不再记录搜索。</translation>
    </message>
    <message>
        <source>Only this action (e.g. hold, import)</source>
        <translation>仅此操作（如 hold、import）</translation>
    </message>
</context>
<context>
    <name>ErasureTab</name>
    <message>
        <source>An erasure request removes what one person sent, and their media, from every source, leaving tombstones. It is refused while a legal hold covers any of it. Backups made before still hold it until they are pruned.</source>
        <translation>删除请求会从所有来源中删除某人发送的消息及其媒体，并留下墓碑记录。只要其中任何内容处于法律保全之下，请求就会被拒绝。此前的备份在清理之前仍包含这些内容。</translation>
    </message>
    <message>
        <source>Name, account or phone number</source>
        <translation>姓名、账号或电话号码</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Erase…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Erasure request</source>
        <translation>删除请求</translation>
    </message>
    <message>
        <source>The request's reference or reason:</source>
        <translation>请求的编号或理由：</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Tick the identities that are this person.</source>
        <translation>请勾选属于此人的身份。</translation>
    </message>
    <message>
        <source>Find the person and tick their identities first.</source>
        <translation>请先查找此人并勾选其身份。</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation>（您）</translation>
    </message>
    <message>
        <source>Erase everything %1 sent, from every source? This cannot be undone.</source>
        <translation>要从所有来源删除 %1 发送的全部内容吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Nobody in the vault matches '%1'.</source>
        <translation>保险库中没有与“%1”匹配的人。</translation>
    </message>
    <message>
        <source>Would be erased — messages: %1, attachments: %2.</source>
        <translation>将被删除 — 消息：%1，附件：%2。</translation>
    </message>
    <message>
        <source>messages: %1</source>
        <translation>消息：%1</translation>
    </message>
    <message>
        <source>Refused while held: %1 of them are under legal hold %2.</source>
        <translation>保全期间拒绝执行：其中 %1 条处于法律保全 %2 之下。</translation>
    </message>
    <message>
        <source>Erased — messages: %1, attachments: %2. Each left a tombstone.</source>
        <translation>已删除 — 消息：%1，附件：%2。每条都留下了墓碑记录。</translation>
    </message>
</context>
<context>
    <name>ProductionsTab</name>
    <message>
        <source>Exports and eDiscovery productions made from this vault, as the audit trail records them.</source>
        <translation>审计记录中记载的、从此保险库进行的导出和电子取证出具。</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>ComplianceTab</name>
    <message>
        <source>Unlock with the compliance officer's passphrase to change this.</source>
        <translation>请用合规专员口令解锁后再更改。</translation>
    </message>
    <message>
        <source>It did not work: %1</source>
        <translation>操作未成功：%1</translation>
    </message>
    <message>
        <source>Vault owner</source>
        <translation>保险库所有者</translation>
    </message>
</context>
<context>
    <name>CustodiansTab</name>
    <message>
        <source>A custodian is the person whose archive an import is. A message belongs to the custodians whose imports brought or covered it; search, holds, retention and productions can be limited to them.</source>
        <translation>保管人是某次导入所属档案的主人。消息属于带来或涵盖它的导入所属的保管人；搜索、保全、保留策略和证据出具都可以限定到这些保管人。</translation>
    </message>
    <message>
        <source>Add custodian…</source>
        <translation>添加保管人…</translation>
    </message>
    <message>
        <source>Assign imports…</source>
        <translation>分配导入…</translation>
    </message>
    <message>
        <source>Make default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Imports</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Add custodian</source>
        <translation>添加保管人</translation>
    </message>
    <message>
        <source>Name of the person:</source>
        <translation>此人的姓名：</translation>
    </message>
    <message>
        <source> (default)</source>
        <translation>（默认）</translation>
    </message>
    <message>
        <source>Choose a custodian in the list first.</source>
        <translation>请先在列表中选择一位保管人。</translation>
    </message>
    <message>
        <source>New imports belong to %1.</source>
        <translation>新的导入将属于 %1。</translation>
    </message>
    <message>
        <source>Custodian %1 added.</source>
        <translation>已添加保管人 %1。</translation>
    </message>
    <message>
        <source>Imports now belonging to %2: %1.</source>
        <translation>现属于 %2 的导入：%1。</translation>
    </message>
</context>
<context>
    <name>HoldsTab</name>
    <message>
        <source>While a legal hold is active, nothing in its scope can be deleted: not by retention, not by an erasure, not by any other path. Holds are released, never deleted, and both are recorded in the audit trail.</source>
        <translation>法律保全生效期间，其范围内的任何内容都不能被删除：保留策略、删除请求或任何其他途径都不行。保全只能解除、不能删除，两者都会记入审计记录。</translation>
    </message>
    <message>
        <source>Place hold…</source>
        <translation>设置保全…</translation>
    </message>
    <message>
        <source>Release…</source>
        <translation>解除…</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>设置时间</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>生效中</translation>
    </message>
    <message>
        <source>Release legal hold</source>
        <translation>解除法律保全</translation>
    </message>
    <message>
        <source>whole vault</source>
        <translation>整个保险库</translation>
    </message>
    <message>
        <source>Choose an active hold in the list first.</source>
        <translation>请先在列表中选择一个生效中的保全。</translation>
    </message>
    <message>
        <source>Released %1</source>
        <translation>已于 %1 解除</translation>
    </message>
    <message>
        <source>Why is the hold on %1 released?</source>
        <translation>为什么解除对 %1 的保全？</translation>
    </message>
    <message>
        <source>custodian %1</source>
        <translation>保管人 %1</translation>
    </message>
    <message>
        <source>chat %1</source>
        <translation>聊天 %1</translation>
    </message>
    <message>
        <source>person %1</source>
        <translation>人员 %1</translation>
    </message>
    <message>
        <source>Legal hold %1 released.</source>
        <translation>法律保全 %1 已解除。</translation>
    </message>
    <message>
        <source>Legal hold %1 placed (messages held: %2).</source>
        <translation>已设置法律保全 %1（保全的消息：%2）。</translation>
    </message>
</context>
<context>
    <name>RetentionTab</name>
    <message>
        <source>Keep messages for a period after their date, then delete them, leaving a tombstone. Held messages are never deleted. A locked policy can be lengthened, never shortened or removed. Retention runs once a day with the backups.</source>
        <translation>消息在其日期后保留一段时间，然后删除并留下墓碑记录。处于保全中的消息永不删除。锁定的策略只能延长，不能缩短或移除。保留策略每天随备份运行一次。</translation>
    </message>
    <message>
        <source>Add policy…</source>
        <translation>添加策略…</translation>
    </message>
    <message>
        <source>Lengthen…</source>
        <translation>延长…</translation>
    </message>
    <message>
        <source>Lock…</source>
        <translation>锁定…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Run now…</source>
        <translation>立即运行…</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留期</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>1 year</source>
        <translation>1 年</translation>
    </message>
    <message>
        <source>Change the period</source>
        <translation>更改保留期</translation>
    </message>
    <message>
        <source>Keep for (days):</source>
        <translation>保留天数：</translation>
    </message>
    <message>
        <source>Lock policy</source>
        <translation>锁定策略</translation>
    </message>
    <message>
        <source>Run retention</source>
        <translation>运行保留策略</translation>
    </message>
    <message>
        <source>Delete every message the policies no longer keep? Each leaves a tombstone; held messages stay.</source>
        <translation>要删除策略不再保留的所有消息吗？每条都会留下墓碑记录；处于保全中的消息将保留。</translation>
    </message>
    <message>
        <source>Choose a policy in the list first.</source>
        <translation>请先在列表中选择一个策略。</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 天</translation>
    </message>
    <message>
        <source>custodian %1</source>
        <translation>保管人 %1</translation>
    </message>
    <message>
        <source>whole vault</source>
        <translation>整个保险库</translation>
    </message>
    <message>
        <source>After locking, nobody — you included — can shorten or remove '%1'; it can only be lengthened. Backups with Object Lock keep their objects for the same period. Lock it?</source>
        <translation>锁定后，任何人（包括您）都不能缩短或移除“%1”，只能延长。启用对象锁定的备份会在相同期限内保留其对象。确定锁定吗？</translation>
    </message>
    <message>
        <source>Policy removed.</source>
        <translation>策略已移除。</translation>
    </message>
    <message>
        <source>%1 years</source>
        <translation>%1 年</translation>
    </message>
    <message>
        <source>chat %1</source>
        <translation>聊天 %1</translation>
    </message>
    <message>
        <source>Policy added.</source>
        <translation>策略已添加。</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>source %1</source>
        <translation>来源 %1</translation>
    </message>
    <message>
        <source>Retention would delete now — messages: %1; past their period but held: %2.</source>
        <translation>保留策略现在将删除 — 消息：%1；已过期但处于保全中：%2。</translation>
    </message>
    <message>
        <source>The period is now (days): %1.</source>
        <translation>现在的保留期（天）：%1。</translation>
    </message>
    <message>
        <source>The policy is locked.</source>
        <translation>策略已锁定。</translation>
    </message>
    <message>
        <source>Deleted messages: %1; held messages kept: %2.</source>
        <translation>已删除消息：%1；保留的保全消息：%2。</translation>
    </message>
</context>
<context>
    <name>HoldDialog</name>
    <message>
        <source>Place a legal hold</source>
        <translation>设置法律保全</translation>
    </message>
    <message>
        <source>e.g. Acme v. Example Ltd</source>
        <translation>例如：甲公司诉乙公司</translation>
    </message>
    <message>
        <source>Matter:</source>
        <translation>案件：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>any</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>Custodian:</source>
        <translation>保管人：</translation>
    </message>
    <message>
        <source>Chat:</source>
        <translation>聊天：</translation>
    </message>
    <message>
        <source>name, account or phone</source>
        <translation>姓名、账号或电话</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Person:</source>
        <translation>人员：</translation>
    </message>
    <message>
        <source>Dates:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>Everything in the scope below is kept until the hold is released. Leave a field at “any” to hold more.</source>
        <translation>以下范围内的所有内容都将保留，直到保全解除。将某项保留为“任意”可扩大保全范围。</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>A hold needs a matter name and a reason.</source>
        <translation>保全需要案件名称和理由。</translation>
    </message>
    <message>
        <source>The date range is empty.</source>
        <translation>日期范围为空。</translation>
    </message>
    <message>
        <source>Nobody in the vault matches '%1'.</source>
        <translation>保险库中没有与“%1”匹配的人。</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <source>Add a retention policy</source>
        <translation>添加保留策略</translation>
    </message>
    <message>
        <source>e.g. Broker-dealer records</source>
        <translation>例如：经纪交易商记录</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>years</source>
        <translation>年</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <source>Keep for:</source>
        <translation>保留：</translation>
    </message>
    <message>
        <source>whole vault</source>
        <translation>整个保险库</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>适用于：</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>After the period, counted from each message's date, the message is deleted and leaves a tombstone, unless a legal hold covers it.</source>
        <translation>从每条消息的日期起算，期满后消息将被删除并留下墓碑记录，除非它处于法律保全之下。</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Assign imports to a custodian</source>
        <translation>将导入分配给保管人</translation>
    </message>
    <message>
        <source>Belongs to:</source>
        <translation>属于：</translation>
    </message>
</context>
<context>
    <name>OfficerDialog</name>
    <message>
        <source>Compliance officer's passphrase</source>
        <translation>合规专员口令</translation>
    </message>
    <message>
        <source>This passphrase also unlocks the vault, as the compliance officer. Once it is set, holds, retention, erasures and custodians can only be changed by the officer, and the audit trail names who did what.</source>
        <translation>此口令也可以解锁保险库，身份为合规专员。设置后，保全、保留策略、删除请求和保管人只能由合规专员更改，审计记录会注明操作者。</translation>
    </message>
    <message>
        <source>Choose the officer's new passphrase.</source>
        <translation>请设置合规专员的新口令。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exported files are not encrypted: keep them somewhere safe.</source>
        <translation>导出的文件不加密：请妥善保管。</translation>
    </message>
    <message>
        <source>What</source>
        <translation>导出内容</translation>
    </message>
    <message>
        <source>Web pages (HTML)</source>
        <translation>网页（HTML）</translation>
    </message>
    <message>
        <source>PDF document</source>
        <translation>PDF 文档</translation>
    </message>
    <message>
        <source>JSON (for programs)</source>
        <translation>JSON（供程序使用）</translation>
    </message>
    <message>
        <source>CSV (for spreadsheets)</source>
        <translation>CSV（供电子表格使用）</translation>
    </message>
    <message>
        <source>eDiscovery production (RSMF)</source>
        <translation>电子取证提交包（RSMF）</translation>
    </message>
    <message>
        <source>Not part of this version of ChatVault</source>
        <translation>此版本的 ChatVault 不包含该格式</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Save in</source>
        <translation>保存到</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Include photos, videos and files</source>
        <translation>包含图片、视频和文件</translation>
    </message>
    <message>
        <source>A page per month</source>
        <translation>每月一页</translation>
    </message>
    <message>
        <source>A page every N messages</source>
        <translation>每 N 条消息一页</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>条消息</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>分页</translation>
    </message>
    <message>
        <source>For Excel (UTF-8 with a byte-order mark)</source>
        <translation>适用于 Excel（带字节顺序标记的 UTF-8）</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Draw the pictures in the PDF</source>
        <translation>在 PDF 中显示图片</translation>
    </message>
    <message>
        <source>Choose where to save the export</source>
        <translation>选择导出的保存位置</translation>
    </message>
    <message>
        <source>Counting the messages…</source>
        <translation>正在统计消息…</translation>
    </message>
    <message>
        <source>%1 chats · %2 messages</source>
        <translation>%1 个聊天 · %2 条消息</translation>
    </message>
    <message>
        <source>%1 media files (%2)</source>
        <translation>%1 个媒体文件（%2）</translation>
    </message>
    <message>
        <source>About %1 to write</source>
        <translation>约需写入 %1</translation>
    </message>
    <message>
        <source>The folder %1 does not exist. Choose a folder to save the export in.</source>
        <translation>文件夹 %1 不存在。请选择保存导出的文件夹。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>%1 of %2 messages</source>
        <translation>%1 / %2 条消息</translation>
    </message>
    <message>
        <source>%1 a second</source>
        <translation>每秒 %1 条</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>Export cancelled. Nothing of it was kept.</source>
        <translation>导出已取消，未保留任何内容。</translation>
    </message>
    <message>
        <source>Exported %1 messages from %2 chats to %3</source>
        <translation>已将 %2 个聊天中的 %1 条消息导出到 %3</translation>
    </message>
    <message>
        <source>The export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s)</source>
        <translation>
            <numerusform>%n 个聊天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported %1 to %2</source>
        <translation>已将 %1 导出到 %2</translation>
    </message>
</context>
<context>
    <name>ExportHooks</name>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export results…</source>
        <translation>导出结果…</translation>
    </message>
    <message>
        <source>Export chat…</source>
        <translation>导出聊天…</translation>
    </message>
    <message>
        <source>Everything in the vault</source>
        <translation>保险库中的全部内容</translation>
    </message>
    <message>
        <source>The messages the search “%1” finds</source>
        <translation>搜索“%1”找到的消息</translation>
    </message>
    <message>
        <source>The messages the search filters select</source>
        <translation>搜索筛选条件选中的消息</translation>
    </message>
    <message>
        <source>The chat “%1”</source>
        <translation>聊天“%1”</translation>
    </message>
</context>
<context>
    <name>ProductionOptions</name>
    <message>
        <source>Names, separated by commas (empty: as selected)</source>
        <translation>姓名，用逗号分隔（留空：按所选内容）</translation>
    </message>
    <message>
        <source>Custodians</source>
        <translation>保管人</translation>
    </message>
    <message>
        <source>Your name (default: %1)</source>
        <translation>你的姓名（默认：%1）</translation>
    </message>
    <message>
        <source>Produced by</source>
        <translation>制作人</translation>
    </message>
    <message>
        <source>HTML and PDF copies for review</source>
        <translation>附带供审阅的 HTML 和 PDF 副本</translation>
    </message>
    <message>
        <source>One zip file (with its SHA-256 beside it)</source>
        <translation>打包为一个 zip 文件（旁附其 SHA-256）</translation>
    </message>
    <message>
        <source>Verify a production…</source>
        <translation>校验一份证据包…</translation>
    </message>
    <message>
        <source>Choose the production's manifest.json or its zip file</source>
        <translation>选择证据包的 manifest.json 或其 zip 文件</translation>
    </message>
    <message>
        <source>Productions (manifest.json *.zip)</source>
        <translation>证据包 (manifest.json *.zip)</translation>
    </message>
    <message>
        <source>Checking every file of %1…</source>
        <translation>正在检查 %1 的每个文件…</translation>
    </message>
    <message>
        <source>Verified: all %1 files match the production's manifest.</source>
        <translation>校验通过：全部 %1 个文件与证据包清单一致。</translation>
    </message>
    <message>
        <source>Changed: %1</source>
        <translation>已更改：%1</translation>
    </message>
    <message>
        <source>Missing: %1</source>
        <translation>缺失：%1</translation>
    </message>
    <message>
        <source>Added: %1</source>
        <translation>多出：%1</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… 另有 %1 项</translation>
    </message>
    <message>
        <source>This production does NOT match its manifest:</source>
        <translation>此证据包与其清单不一致：</translation>
    </message>
    <message>
        <source>Could not verify: %1</source>
        <translation>无法校验：%1</translation>
    </message>
</context>
<context>
    <name>ChangePassphraseDialog</name>
    <message>
        <source>Change passphrase</source>
        <translation>更改密码</translation>
    </message>
    <message>
        <source>The new passphrase replaces the old one at once. Your recovery key stays valid. Backups made before keep opening with the passphrase the vault had when they were made.</source>
        <translation>新密码立即取代旧密码。恢复密钥依然有效。之前做的备份仍用当时的密码打开。</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Changing the passphrase</source>
        <translation>正在更改密码</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Type the current passphrase first.</source>
        <translation>请先输入当前密码。</translation>
    </message>
    <message>
        <source>Deriving the new key and writing the vault header… This takes a few seconds.</source>
        <translation>正在派生新密钥并写入保险库头部…需要几秒钟。</translation>
    </message>
    <message>
        <source>The current passphrase is wrong. Nothing was changed.</source>
        <translation>当前密码不正确。没有做任何更改。</translation>
    </message>
    <message>
        <source>The passphrase was not changed; the old one still opens the vault. %1</source>
        <translation>密码没有更改，旧密码仍可打开保险库。%1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>ReadMarkers</name>
    <message>
        <source>Mark as read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <source>Mark all as read</source>
        <translation>全部标为已读</translation>
    </message>
</context>
<context>
    <name>VaultSwitcher</name>
    <message>
        <source>&amp;Open another vault…</source>
        <translation>打开其他保险库(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Recent vaults</source>
        <translation>最近的保险库(&amp;R)</translation>
    </message>
    <message>
        <source>Choose a vault folder</source>
        <translation>选择保险库文件夹</translation>
    </message>
    <message>
        <source>%1 is not a ChatVault vault: it holds no vault.json. Choose the folder that holds vault.json and vault.db (a restored backup is such a folder). Nothing was changed.</source>
        <translation>%1 不是 ChatVault 保险库：其中没有 vault.json。请选择包含 vault.json 和 vault.db 的文件夹（恢复出的备份就是这样的文件夹）。没有做任何更改。</translation>
    </message>
    <message>
        <source>Not a vault</source>
        <translation>不是保险库</translation>
    </message>
    <message>
        <source>This vault is already open.</source>
        <translation>这个保险库已经打开。</translation>
    </message>
    <message>
        <source>%1 (not found)</source>
        <translation>%1（未找到）</translation>
    </message>
    <message>
        <source>The folder was moved, renamed or is on a drive that is not connected.</source>
        <translation>该文件夹已被移动、重命名，或位于未连接的驱动器上。</translation>
    </message>
    <message>
        <source>No other vault opened yet</source>
        <translation>尚未打开过其他保险库</translation>
    </message>
    <message>
        <source>Remove missing vaults from the list</source>
        <translation>从列表中移除找不到的保险库</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Bring your chat history in</source>
        <translation>导入你的聊天记录</translation>
    </message>
    <message>
        <source>This vault holds no chats yet. Everything you add is encrypted on this computer; nothing is uploaded.</source>
        <translation>这个保险库还没有聊天。你添加的一切都在本机加密保存，不会上传。</translation>
    </message>
    <message>
        <source>Import an export…</source>
        <translation>导入导出文件…</translation>
    </message>
    <message>
        <source>A WhatsApp “Export chat” file, a Telegram export folder, or WeChat's database folder with its key. Dropping files on this window works too.</source>
        <translation>WhatsApp 的“导出聊天”文件、Telegram 的导出文件夹，或微信的数据库文件夹及其密钥。也可以直接把文件拖到本窗口。</translation>
    </message>
    <message>
        <source>Watch a folder…</source>
        <translation>监视文件夹…</translation>
    </message>
    <message>
        <source>ChatVault copies new files saved in a folder (your phone's backup folder, Downloads) or imports new exports saved there.</source>
        <translation>ChatVault 会复制保存到某个文件夹（手机备份文件夹、下载文件夹）中的新文件，或导入保存在那里的新导出。</translation>
    </message>
    <message>
        <source>Restore from a backup…</source>
        <translation>从备份恢复…</translation>
    </message>
    <message>
        <source>Had ChatVault before? Rebuild your vault from its backup folder with the passphrase it had.</source>
        <translation>以前用过 ChatVault？用备份文件夹和当时的密码重建你的保险库。</translation>
    </message>
</context>
<context>
    <name>RestoreBackupDialog</name>
    <message>
        <source>Restore from a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Rebuilds the newest snapshot of a ChatVault backup folder as a complete vault in a new folder. The backup is only read.</source>
        <translation>把 ChatVault 备份文件夹中最新的快照重建为新文件夹中的完整保险库。备份只会被读取。</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Passphrase the vault had</source>
        <translation>保险库当时的密码</translation>
    </message>
    <message>
        <source>This is the recovery key</source>
        <translation>这是恢复密钥</translation>
    </message>
    <message>
        <source>Restore into</source>
        <translation>恢复到</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Open it in this window</source>
        <translation>在此窗口中打开</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Choose the backup folder</source>
        <translation>选择备份文件夹</translation>
    </message>
    <message>
        <source>Choose an empty folder</source>
        <translation>选择一个空文件夹</translation>
    </message>
    <message>
        <source>Choose the backup folder (the folder ChatVault backed up to).</source>
        <translation>请选择备份文件夹（ChatVault 备份到的那个文件夹）。</translation>
    </message>
    <message>
        <source>Type the passphrase the vault had when the backup was made, or its recovery key.</source>
        <translation>请输入备份时保险库的密码，或它的恢复密钥。</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>Nothing was restored: %1</source>
        <translation>没有恢复任何内容：%1</translation>
    </message>
    <message>
        <source>Restored to %1. Open it here with the passphrase it had.</source>
        <translation>已恢复到 %1。请用它当时的密码在这里打开。</translation>
    </message>
    <message>
        <source>Restored to %1 with problems: %2 media files could not be restored.</source>
        <translation>已恢复到 %1，但有问题：%2 个媒体文件无法恢复。</translation>
    </message>
</context>
<context>
    <name>SearchCompliance</name>
    <message>
        <source>All custodians</source>
        <translation>所有保管人</translation>
    </message>
    <message>
        <source>Custodian</source>
        <translation>保管人</translation>
    </message>
</context>
<context>
    <name>VoicePlayer</name>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>This voice note cannot be played: the file is damaged, or this computer cannot decode its format. Save attachment… keeps a copy to try elsewhere.</source>
        <translation>无法播放这条语音：文件已损坏，或这台电脑无法解码它的格式。可用“保存附件…”保存一份副本，换个地方试试。</translation>
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <source>Chat files</source>
        <translation>聊天文件</translation>
    </message>
    <message>
        <source>Files and links shared in this chat</source>
        <translation>这个聊天中分享的文件和链接</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>复制文字</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save attachment…</source>
        <translation>保存附件…</translation>
    </message>
    <message>
        <source>Jump to quoted message</source>
        <translation>跳到引用的消息</translation>
    </message>
    <message>
        <source>Show in search</source>
        <translation>在搜索中显示</translation>
    </message>
    <message>
        <source>Chat files…</source>
        <translation>聊天文件…</translation>
    </message>
    <message>
        <source>Message details…</source>
        <translation>消息详情…</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>This voice note is not in the vault: %1</source>
        <translation>这条语音不在保险库中：%1</translation>
    </message>
    <message>
        <source>This file is not in the vault: %1</source>
        <translation>这个文件不在保险库中：%1</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>No app on this computer opens %1. Use Save attachment… instead.</source>
        <translation>这台电脑上没有能打开 %1 的应用。请改用“保存附件…”。</translation>
    </message>
    <message>
        <source>Save attachment</source>
        <translation>保存附件</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>It could not be written: %1</source>
        <translation>无法写入：%1</translation>
    </message>
    <message>
        <source>The quoted message is not in the vault (it was not in any export imported so far).</source>
        <translation>引用的消息不在保险库中（目前导入的导出文件中都没有它）。</translation>
    </message>
    <message>
        <source>Open saved copy…</source>
        <translation>打开保存的副本…</translation>
    </message>
</context>
<context>
    <name>MessageDetailsDialog</name>
    <message>
        <source>Message details</source>
        <translation>消息详情</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>This message is no longer in the vault.</source>
        <translation>这条消息已不在保险库中。</translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>Import #%1 of %2 on %3 (%4)</source>
        <translation>第 %1 次导入：%2，%3（%4）</translation>
    </message>
    <message>
        <source>unknown account</source>
        <translation>未知账号</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>发送者</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Original id</source>
        <translation>原始 ID</translation>
    </message>
    <message>
        <source>Location in the export</source>
        <translation>在导出文件中的位置</translation>
    </message>
    <message>
        <source>First imported</source>
        <translation>首次导入</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近一次见到</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Deleted on the phone: missing from a later export (%1). The vault keeps it.</source>
        <translation>已在手机上删除：后来的导出中没有它（%1）。保险库仍保留它。</translation>
    </message>
    <message>
        <source>Present in the latest export that covered it</source>
        <translation>在涵盖它的最新导出中存在</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Yes (the export does not say when)</source>
        <translation>是（导出未说明编辑时间）</translation>
    </message>
    <message>
        <source>Forwarded from</source>
        <translation>转发自</translation>
    </message>
    <message>
        <source>Reply to (original id)</source>
        <translation>回复（原始 ID）</translation>
    </message>
    <message>
        <source>in the vault</source>
        <translation>在保险库中</translation>
    </message>
    <message>
        <source>not in the export</source>
        <translation>不在导出中</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>path in the export: %1</source>
        <translation>导出中的路径：%1</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>附件</translation>
    </message>
</context>
<context>
    <name>ChatFilesDialog</name>
    <message>
        <source>Chat files: %1</source>
        <translation>聊天文件：%1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>From</source>
        <translation>发送者</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Show in chat</source>
        <translation>在聊天中显示</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n link(s)</source>
        <translation>
            <numerusform>%n 个链接</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SourcePanel</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Read it again even if this exact file was imported before</source>
        <translation>即使这个文件以前导入过，也重新读取</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Found from the files themselves. Choose another format if this one is wrong.</source>
        <translation>根据文件本身识别。如果识别有误，请选择其他格式。</translation>
    </message>
    <message>
        <source>64 hexadecimal digits</source>
        <translation>64 位十六进制数字</translation>
    </message>
    <message>
        <source>16 characters or 32 hexadecimal digits</source>
        <translation>16 个字符或 32 位十六进制数字</translation>
    </message>
    <message>
        <source>15 digits</source>
        <translation>15 位数字</translation>
    </message>
    <message>
        <source>Read from the app folder when empty</source>
        <translation>留空时从应用文件夹读取</translation>
    </message>
    <message>
        <source>7 characters</source>
        <translation>7 个字符</translation>
    </message>
    <message>
        <source>Day first (31/12)</source>
        <translation>日在前（31/12）</translation>
    </message>
    <message>
        <source>Month first (12/31)</source>
        <translation>月在前（12/31）</translation>
    </message>
    <message>
        <source>Year first</source>
        <translation>年在前</translation>
    </message>
    <message>
        <source>This computer's time zone</source>
        <translation>本机时区</translation>
    </message>
    <message>
        <source>Which name is me</source>
        <translation>哪个名字是我</translation>
    </message>
    <message>
        <source>Detected automatically; type your name as it appears to change it</source>
        <translation>自动识别；如需更改，请输入您在聊天中显示的名字</translation>
    </message>
    <message>
        <source>Reading to see what it holds…</source>
        <translation>正在读取，查看其中的内容…</translation>
    </message>
    <message>
        <source>Automatic: %1</source>
        <translation>自动：%1</translation>
    </message>
    <message>
        <source>Automatic: not recognised</source>
        <translation>自动：无法识别</translation>
    </message>
    <message>
        <source>This could also be read as %1: choose the format if the one found is wrong.</source>
        <translation>也可以按 %1 读取：如果识别的格式有误，请选择正确的格式。</translation>
    </message>
    <message>
        <source>Not read yet: see below.</source>
        <translation>尚未读取：请看下方。</translation>
    </message>
    <message>
        <source>This cannot be imported.</source>
        <translation>无法导入。</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Media found</source>
        <translation>找到的媒体</translation>
    </message>
    <message>
        <source>Media missing from the export</source>
        <translation>导出中缺失的媒体</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Lines not understood</source>
        <translation>无法识别的行</translation>
    </message>
    <message>
        <source>Date order</source>
        <translation>日期顺序</translation>
    </message>
    <message>
        <source>WhatsApp limits exports to 10,000 messages with media (40,000 without): older messages may be missing. Export again "without media" to get more.</source>
        <translation>WhatsApp 导出含媒体时最多 10,000 条消息（不含媒体时 40,000 条）：较早的消息可能缺失。请选择“不含媒体”重新导出以获得更多消息。</translation>
    </message>
    <message>
        <source>Some media are not in the export. They will be listed as missing; you can add them later from Media → Missing.</source>
        <translation>部分媒体不在导出中。它们会被列为缺失；您之后可以在“媒体 → 缺失的媒体”中补上。</translation>
    </message>
    <message>
        <source>%1 (%2 messages)</source>
        <translation>%1（%2 条消息）</translation>
    </message>
    <message>
        <source>You chose this before for these chats; it is kept unless you change it.</source>
        <translation>这是你之前为这些聊天选定的，除非你更改，否则保持不变。</translation>
    </message>
    <message>
        <source>Found in the export. Choose another name if this is not you.</source>
        <translation>从导出中识别。如果这不是你，请选择其他名字。</translation>
    </message>
    <message>
        <source>The export does not say which sender is you: choose your name, or your messages will be shown as someone else's (you can change it later in the chat list's menu).</source>
        <translation>导出中没有说明哪个发送者是你：请选择你的名字，否则你的消息会显示为别人的（之后也可以在聊天列表的菜单中更改）。</translation>
    </message>
    <message>
        <source>Import this one</source>
        <translation>导入这一项</translation>
    </message>
    <message>
        <source>Clear to leave this export out of the job; the report lists it as left out.</source>
        <translation>取消勾选即可不导入这个导出；报告中会把它列为未导入。</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n message(s))</source>
        <translation>
            <numerusform>%1（%n 条消息）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportWording</name>
    <message>
        <source>Facebook Messenger / Instagram download</source>
        <translation>Facebook Messenger / Instagram 下载的数据</translation>
    </message>
    <message>
        <source>WhatsApp chat export</source>
        <translation>WhatsApp 聊天导出</translation>
    </message>
    <message>
        <source>Telegram Desktop export</source>
        <translation>Telegram Desktop 导出</translation>
    </message>
    <message>
        <source>WeChat for Windows 3.x</source>
        <translation>Windows 版微信 3.x</translation>
    </message>
    <message>
        <source>iMessage / SMS (Mac Messages folder)</source>
        <translation>iMessage / 短信（Mac“信息”文件夹）</translation>
    </message>
    <message>
        <source>Weixin 4 (Windows/macOS)</source>
        <translation>微信 4（Windows/macOS）</translation>
    </message>
    <message>
        <source>WeChat for Android</source>
        <translation>安卓版微信</translation>
    </message>
    <message>
        <source>WeChat key</source>
        <translation>微信密钥</translation>
    </message>
    <message>
        <source>Image key</source>
        <translation>图片密钥</translation>
    </message>
    <message>
        <source>Phone IMEI</source>
        <translation>手机 IMEI</translation>
    </message>
    <message>
        <source>Account uin</source>
        <translation>账号 uin</translation>
    </message>
    <message>
        <source>Or the database key</source>
        <translation>或数据库密钥</translation>
    </message>
    <message>
        <source>Date order</source>
        <translation>日期顺序</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <source>Weixin 4 keeps this key only in its memory while it runs. Log in to this account in Weixin on the computer the folder comes from, then run a key tool made for Weixin 4 (for example chatlog or wx_key): it shows the database key as 64 hexadecimal digits (0-9, a-f). Copy it here. The key stays the same until the account logs in again on that computer.</source>
        <translation>微信 4 只在运行时把这个密钥保存在内存中。在该文件夹所在的电脑上用这个账号登录微信，然后运行适用于微信 4 的密钥工具（例如 chatlog 或 wx_key）：它会显示 64 位十六进制（0-9、a-f）的数据库密钥。把它复制到这里。在该账号于那台电脑上重新登录之前，密钥保持不变。</translation>
    </message>
    <message>
        <source>WeChat keeps this key only in its memory while it runs. Log in to this account in WeChat for Windows on the computer the folder comes from, then run a key tool such as PyWxDump or SharpWxDump: it shows the key as 64 hexadecimal digits (0-9, a-f). Copy it here. The key stays the same until the account logs in again on that computer.</source>
        <translation>微信只在运行时把这个密钥保存在内存中。在该文件夹所在的电脑上用这个账号登录 Windows 版微信，然后运行 PyWxDump 或 SharpWxDump 等密钥工具：它会显示 64 位十六进制（0-9、a-f）的密钥。把它复制到这里。在该账号于那台电脑上重新登录之前，密钥保持不变。</translation>
    </message>
    <message>
        <source>Weixin 4 encrypts newer pictures (.dat files) with a second key. The key tools that show the database key also show this image key: 16 letters and digits, or 32 hexadecimal digits. Without it those pictures are kept as Weixin stored them, and everything else is imported.</source>
        <translation>微信 4 用另一个密钥加密较新的图片（.dat 文件）。显示数据库密钥的工具也会显示这个图片密钥：16 个字母和数字，或 32 位十六进制数字。没有它时，这些图片按微信保存的原样保留，其他内容照常导入。</translation>
    </message>
    <message>
        <source>The phone's IMEI: dial *#06#, or look in Settings → About phone → Status (with two SIM slots, try the first IMEI). Leave it empty to let ChatVault try the values WeChat uses when the phone hides its IMEI.</source>
        <translation>手机的 IMEI：拨打 *#06#，或在“设置 → 关于手机 → 状态信息”中查看（双卡手机请先试第一个 IMEI）。留空时，ChatVault 会尝试手机隐藏 IMEI 时微信使用的值。</translation>
    </message>
    <message>
        <source>The account's number (it may be negative). It is in the WeChat app folder, in shared_prefs/auth_info_key_prefs.xml (_auth_uin) or shared_prefs/system_config_prefs.xml (default_uin). Leave it empty when you import the whole app folder: ChatVault reads it there.</source>
        <translation>账号的编号（可能是负数）。它在微信应用文件夹的 shared_prefs/auth_info_key_prefs.xml（_auth_uin）或 shared_prefs/system_config_prefs.xml（default_uin）中。导入整个应用文件夹时可以留空：ChatVault 会从那里读取。</translation>
    </message>
    <message>
        <source>If a tool already gave you the 7-character database key (made from the IMEI and the uin), enter it here instead.</source>
        <translation>如果某个工具已经给出了 7 个字符的数据库密钥（由 IMEI 和 uin 算出），也可以在这里填写它。</translation>
    </message>
    <message>
        <source>Automatic works the order out from the dates themselves and asks when it cannot. Choose one to read every date that way.</source>
        <translation>“自动”会根据日期本身判断顺序，无法判断时会询问。选择一种顺序则所有日期都按它读取。</translation>
    </message>
    <message>
        <source>WhatsApp writes times without a time zone. Choose the zone the phone was set to when it exported, if it is not this computer's.</source>
        <translation>WhatsApp 导出的时间不带时区。如果导出时手机的时区与本机不同，请选择手机当时的时区。</translation>
    </message>
    <message>
        <source>Only the digits 0-9 and the letters a-f belong in the key.</source>
        <translation>密钥只能包含数字 0-9 和字母 a-f。</translation>
    </message>
    <message>
        <source>The key has 64 hexadecimal digits; this has %1.</source>
        <translation>密钥是 64 位十六进制数字；这里有 %1 位。</translation>
    </message>
    <message>
        <source>The database key has 7 characters; this has %1.</source>
        <translation>数据库密钥是 7 个字符；这里有 %1 个。</translation>
    </message>
    <message>
        <source>An IMEI is made of digits only.</source>
        <translation>IMEI 只由数字组成。</translation>
    </message>
    <message>
        <source>An IMEI has 15 digits; this has %1.</source>
        <translation>IMEI 是 15 位数字；这里有 %1 位。</translation>
    </message>
    <message>
        <source>The uin is a whole number such as -123456789.</source>
        <translation>uin 是一个整数，例如 -123456789。</translation>
    </message>
    <message>
        <source>The image key is 16 characters or 32 hexadecimal digits; this has %1.</source>
        <translation>图片密钥是 16 个字符或 32 位十六进制数字；这里有 %1 个。</translation>
    </message>
    <message>
        <source>Not a time zone this computer knows; choose one from the list.</source>
        <translation>本机不认识这个时区；请从列表中选择。</translation>
    </message>
    <message>
        <source>This WeChat database is encrypted: enter the account's key to import it.</source>
        <translation>这个微信数据库已加密：请输入该账号的密钥以导入。</translation>
    </message>
    <message>
        <source>This WeChat database is encrypted: enter the phone's IMEI and the account's uin, or the database key.</source>
        <translation>这个微信数据库已加密：请输入手机的 IMEI 和账号的 uin，或数据库密钥。</translation>
    </message>
    <message>
        <source>This key does not open %1. Check that it is the key of this account: a key from another account, or from before the account logged in again, does not fit.</source>
        <translation>这个密钥打不开 %1。请确认它是这个账号的密钥：其他账号的密钥，或账号重新登录之前的密钥，都不适用。</translation>
    </message>
    <message>
        <source>The IMEI and uin given do not open %1. Check both (on a phone with two SIM slots, try the other IMEI), or enter the database key.</source>
        <translation>所填的 IMEI 和 uin 打不开 %1。请检查两者（双卡手机请试另一个 IMEI），或输入数据库密钥。</translation>
    </message>
    <message>
        <source>Enter the uin of the account to import.</source>
        <translation>请输入要导入的账号的 uin。</translation>
    </message>
    <message>
        <source>Choose the file or folder the messenger exported, or choose its format in the list above.</source>
        <translation>请选择聊天软件导出的文件或文件夹，或在上方列表中选择它的格式。</translation>
    </message>
    <message>
        <source>Every date here can be read day first or month first: choose the date order.</source>
        <translation>这里的每个日期都既可按日在前也可按月在前读取：请选择日期顺序。</translation>
    </message>
    <message>
        <source>this database</source>
        <translation>这个数据库</translation>
    </message>
    <message>
        <source>iPhone backup (WhatsApp and Messages)</source>
        <translation>iPhone 备份（WhatsApp 和信息）</translation>
    </message>
    <message>
        <source>WhatsApp for iPhone (ChatStorage.sqlite)</source>
        <translation>iPhone 版 WhatsApp（ChatStorage.sqlite）</translation>
    </message>
    <message>
        <source>WhatsApp for Android database</source>
        <translation>WhatsApp 安卓版数据库</translation>
    </message>
    <message>
        <source>Signal Desktop (profile folder)</source>
        <translation>Signal 桌面版（配置文件夹）</translation>
    </message>
    <message>
        <source>Signal for Android (.backup)</source>
        <translation>Signal 安卓版（备份文件）</translation>
    </message>
    <message>
        <source>WhatsApp-Chat-Exporter JSON</source>
        <translation>WhatsApp-Chat-Exporter 导出的 JSON</translation>
    </message>
    <message>
        <source>imessage-exporter text files</source>
        <translation>imessage-exporter 导出的文本文件</translation>
    </message>
    <message>
        <source>Telegram Desktop export (HTML)</source>
        <translation>Telegram 桌面版导出（HTML）</translation>
    </message>
    <message>
        <source>QQ message manager export</source>
        <translation>QQ 消息管理器导出</translation>
    </message>
    <message>
        <source>QQ writes times without a time zone. Choose the zone the computer was set to when it exported, if it is not this computer's.</source>
        <translation>QQ 记录的时间不带时区。如果导出时电脑所用的时区与本机不同，请选择那个时区。</translation>
    </message>
    <message>
        <source>X (Twitter) archive: direct messages</source>
        <translation>X（Twitter）存档：私信</translation>
    </message>
    <message>
        <source>Snapchat My Data: chat history</source>
        <translation>Snapchat 我的数据：聊天记录</translation>
    </message>
    <message>
        <source>Google Chat / Hangouts (Google Takeout)</source>
        <translation>Google 聊天 / Hangouts（Google Takeout 导出）</translation>
    </message>
    <message>
        <source>Slack workspace export</source>
        <translation>Slack 工作区导出</translation>
    </message>
    <message>
        <source>Discord (DiscordChatExporter JSON)</source>
        <translation>Discord（DiscordChatExporter 导出的 JSON）</translation>
    </message>
    <message>
        <source>LINE chat history (text)</source>
        <translation>LINE 聊天记录（文本）</translation>
    </message>
    <message>
        <source>LINE writes times without a time zone. Choose the zone the phone or computer was set to when the chat was saved, if it is not this computer's.</source>
        <translation>LINE 记录的时间不带时区。如果保存聊天记录时手机或电脑所用的时区与本机不同，请选择那个时区。</translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message>
        <source>Drop to import</source>
        <translation>松开即可导入</translation>
    </message>
    <message>
        <source>Several exports at once are imported as one job</source>
        <translation>一次拖入多个导出会作为一个任务导入</translation>
    </message>
</context>
<context>
    <name>ImportReportPage</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>新消息</translation>
    </message>
    <message>
        <source>Already in the vault</source>
        <translation>已在保险库中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Import cancelled. What was imported so far is kept; import the same export again to continue.</source>
        <translation>导入已取消。已导入的内容会保留；再次导入同一份导出即可继续。</translation>
    </message>
    <message>
        <source>This could not be imported</source>
        <translation>无法导入</translation>
    </message>
    <message>
        <source>None of these could be imported</source>
        <translation>这些都无法导入</translation>
    </message>
    <message>
        <source>Imported, with some parts that could not be read</source>
        <translation>已导入，但有部分内容无法读取</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Deleted on the phone since the last import (kept here)</source>
        <translation>自上次导入后在手机上删除的（此处仍保留）</translation>
    </message>
    <message>
        <source>Recalled by their sender since the last import (text kept)</source>
        <translation>上次导入后被发送者撤回（原文已保留）</translation>
    </message>
    <message>
        <source>Media stored</source>
        <translation>已保存的媒体</translation>
    </message>
    <message>
        <source>Media missing from the export</source>
        <translation>导出中缺失的媒体</translation>
    </message>
    <message>
        <source>Lines not understood</source>
        <translation>无法识别的行</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <source>Already present</source>
        <translation>已存在</translation>
    </message>
    <message>
        <source>Added, with gaps</source>
        <translation>已添加，有缺漏</translation>
    </message>
    <message>
        <source>Stopped by Cancel (what was imported is kept)</source>
        <translation>已取消（已导入的内容会保留）</translation>
    </message>
    <message>
        <source>Not started (cancelled)</source>
        <translation>未开始（已取消）</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Left out</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>… and %1 more, kept with the import.</source>
        <translation>…… 还有 %1 行，已随导入保存。</translation>
    </message>
    <message>
        <source>Already in the vault from another WhatsApp source (joined, not doubled)</source>
        <translation>已从另一个 WhatsApp 来源存入保险库（已合并，未重复）</translation>
    </message>
    <message>
        <source>Reactions or poll votes changed since the last import</source>
        <translation>自上次导入以来有变化的表情回应或投票</translation>
    </message>
    <message>
        <source>Pictures and videos upgraded to a better copy</source>
        <translation>已升级为更高质量版本的图片和视频</translation>
    </message>
</context>
<context>
    <name>ChatListCompliance</name>
    <message>
        <source>All custodians</source>
        <translation>所有保管人</translation>
    </message>
    <message>
        <source>Custodian</source>
        <translation>保管人</translation>
    </message>
    <message>
        <source>On legal hold</source>
        <translation>处于法律保全中</translation>
    </message>
</context>
<context>
    <name>CustodianFilter</name>
    <message>
        <source>All custodians</source>
        <translation>所有保管人</translation>
    </message>
    <message>
        <source>Custodian</source>
        <translation>保管人</translation>
    </message>
</context>
<context>
    <name>ImportFieldTexts</name>
    <message>
        <source>App</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Messenger or Instagram. ChatVault finds it from the download's folders; choose it when you import one message_1.json taken out of its download.</source>
        <translation>Messenger 还是 Instagram。ChatVault 会根据下载数据的文件夹判断；如果导入的是从下载数据中单独取出的 message_1.json，请在这里选择。</translation>
    </message>
    <message>
        <source>Choose messenger or instagram.</source>
        <translation>请选择 Messenger 或 Instagram。</translation>
    </message>
    <message>
        <source>This export is protected: enter the %1 to import it.</source>
        <translation>此导出文件受保护：请输入%1后再导入。</translation>
    </message>
    <message>
        <source>This %1 does not open %2. Check that it belongs to this export (a key or password made for another phone, account or backup does not fit).</source>
        <translation>此%1无法打开 %2。请确认它属于这个导出文件（为其他手机、账号或备份生成的密钥或密码不适用）。</translation>
    </message>
    <message>
        <source>Backup password</source>
        <translation>备份密码</translation>
    </message>
    <message>
        <source>The password chosen when "Encrypt local backup" was turned on for this iPhone in Finder (macOS) or iTunes (Windows); not the phone's passcode. Leave it empty for a backup that is not encrypted.</source>
        <translation>在访达（macOS）或 iTunes（Windows）中为这台 iPhone 打开“加密本地备份”时设置的密码；不是手机的锁屏密码。备份未加密时请留空。</translation>
    </message>
    <message>
        <source>End-to-end backup key</source>
        <translation>端到端加密备份密钥</translation>
    </message>
    <message>
        <source>The 64-digit key WhatsApp showed when you turned on the end-to-end encrypted backup (WhatsApp → Settings → Chats → Chat backup → End-to-end encrypted backup). Needed for .crypt15 backups.</source>
        <translation>开启端到端加密备份时 WhatsApp 显示的 64 位密钥（WhatsApp → 设置 → 聊天 → 聊天备份 → 端到端加密备份）。导入 msgstore.db.crypt15 备份时需要。</translation>
    </message>
    <message>
        <source>Key file</source>
        <translation>密钥文件</translation>
    </message>
    <message>
        <source>The phone's key file: /data/data/com.whatsapp/files/key (crypt14 backups; rooted phones only), or encrypted_backup.key (crypt15). Not needed for a plain msgstore.db.</source>
        <translation>手机上的密钥文件：/data/data/com.whatsapp/files/key（用于 msgstore.db.crypt14 备份；仅限已获得超级用户权限的手机），或 encrypted_backup.key（用于 msgstore.db.crypt15）。未加密的 msgstore.db 不需要。</translation>
    </message>
    <message>
        <source>The end-to-end backup key has 64 hexadecimal digits.</source>
        <translation>端到端加密备份密钥由 64 位十六进制数字组成。</translation>
    </message>
    <message>
        <source>The end-to-end backup key has only the digits 0-9 and the letters a-f.</source>
        <translation>端到端加密备份密钥只包含数字 0-9 和字母 a-f。</translation>
    </message>
    <message>
        <source>Only needed when config.json is not beside the database: the 64 hexadecimal digits of its `"key"` value.</source>
        <translation>仅在数据库旁没有 config.json 时需要：其中 `"key"` 值的 64 位十六进制数字。</translation>
    </message>
    <message>
        <source>Signal Safe Storage secret</source>
        <translation>Signal 安全存储密钥</translation>
    </message>
    <message>
        <source>Needed when Signal's config.json holds `"encryptedKey"`: the secret your system keeps for Signal. Linux: run `secret-tool lookup application Signal` (KDE: `kwallet-query kdewallet -f "Chromium Keys" -r "Chromium Safe Storage"`). macOS: run `security find-generic-password -ws "Signal Safe Storage"`. Windows: the key in Signal's `Local State` unprotected with DPAPI, as 64 hexadecimal digits (the import guide shows the PowerShell lines). ChatVault never reads the keychain itself.</source>
        <translation>当 Signal 的 config.json 中是 `"encryptedKey"` 时需要：系统为 Signal 保存的密钥。Linux：运行 `secret-tool lookup application Signal`（KDE：`kwallet-query kdewallet -f "Chromium Keys" -r "Chromium Safe Storage"`）。macOS：运行 `security find-generic-password -ws "Signal Safe Storage"`。Windows：Signal 的 `Local State` 中经 DPAPI 解除保护后的密钥，写成 64 位十六进制数字（导入指南给出了 PowerShell 命令）。ChatVault 从不自行读取钥匙串。</translation>
    </message>
    <message>
        <source>The Signal database key is 64 hexadecimal digits (the `"key"` value in config.json).</source>
        <translation>Signal 数据库密钥是 64 位十六进制数字（config.json 中的 `"key"` 值）。</translation>
    </message>
    <message>
        <source>Signal backup passphrase</source>
        <translation>Signal 备份密码</translation>
    </message>
    <message>
        <source>The 30 digits Signal showed when chat backups were turned on (Settings &gt; Chats &gt; Chat backups); spaces do not matter. Signal cannot show it again: if it is lost, turn backups off and on and make a new backup.</source>
        <translation>开启聊天备份时 Signal 显示的 30 位数字（设置 &gt; 聊天 &gt; 聊天备份）；空格无所谓。Signal 无法再次显示它：如果遗失，请关闭再开启备份，并重新备份一次。</translation>
    </message>
    <message>
        <source>Signal database key</source>
        <translation>Signal 数据库密钥</translation>
    </message>
    <message>
        <source>The backup passphrase is 30 digits (Signal shows them as six groups of five).</source>
        <translation>备份密码是 30 位数字（Signal 将其显示为六组、每组五位）。</translation>
    </message>
</context>
<context>
    <name>PeopleDialog</name>
    <message>
        <source>People</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>The same person can appear in several sources: a WhatsApp number, a Telegram account, a WeChat id. Linked, they are shown under one name and searching for one finds messages from all. Nothing is changed in the messages themselves, and every link can be undone.</source>
        <translation>同一个人可能出现在多个来源中：一个 WhatsApp 号码、一个 Telegram 账号、一个微信号。关联后，他们以同一个名字显示，搜索其中一个即可找到所有来源的消息。消息本身不会被更改，每次关联都可以撤销。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Found by the same phone number, by being you in several sources, or by the same name. Check before linking: two people can share a name.</source>
        <translation>根据相同的电话号码、在多个来源中都是“我”或相同的名字找到。关联前请核对：两个人可能同名。</translation>
    </message>
    <message>
        <source>Name to show</source>
        <translation>显示的名字</translation>
    </message>
    <message>
        <source>Link as one person</source>
        <translation>关联为同一人</translation>
    </message>
    <message>
        <source>Not the same person</source>
        <translation>不是同一人</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Find by name, number or id</source>
        <translation>按名字、号码或 ID 查找</translation>
    </message>
    <message>
        <source>Tick two or more, then link them.</source>
        <translation>勾选两个或更多，然后关联。</translation>
    </message>
    <message>
        <source>Link ticked</source>
        <translation>关联勾选项</translation>
    </message>
    <message>
        <source>Link by hand</source>
        <translation>手动关联</translation>
    </message>
    <message>
        <source>New name</source>
        <translation>新名字</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Unlink</source>
        <translation>取消关联</translation>
    </message>
    <message>
        <source>Linked people</source>
        <translation>已关联的人</translation>
    </message>
    <message>
        <source>Same phone number %1</source>
        <translation>相同的电话号码 %1</translation>
    </message>
    <message>
        <source>You, in several sources</source>
        <translation>多个来源中的“我”</translation>
    </message>
    <message>
        <source>Same name</source>
        <translation>相同的名字</translation>
    </message>
    <message>
        <source>Linked as one person: %1.</source>
        <translation>已关联为同一人：%1。</translation>
    </message>
    <message>
        <source>Tick at least two to link them.</source>
        <translation>请至少勾选两个再关联。</translation>
    </message>
    <message>
        <source>Choose a linked person first.</source>
        <translation>请先选择一个已关联的人。</translation>
    </message>
    <message>
        <source>Unlinked: they are shown as separate people again.</source>
        <translation>已取消关联：他们重新显示为不同的人。</translation>
    </message>
    <message>
        <source>Choose a linked person and type the new name.</source>
        <translation>请选择一个已关联的人并输入新名字。</translation>
    </message>
</context>
<context>
    <name>ImportNotes</name>
    <message>
        <source>Messages keeps its history in the Messages folder of your Mac user (~/Library/Messages: chat.db and the Attachments folder). macOS protects that folder: to copy it, quit Messages, give Finder or Terminal Full Disk Access (System Settings → Privacy and Security → Full Disk Access), then copy the whole Messages folder to a USB drive or any folder. ChatVault imports that copy on any computer; chat.db alone imports too, but its pictures and files are then listed as missing.</source>
        <translation>“信息”App 把聊天记录保存在 Mac 用户的 Messages 文件夹里（~/Library/Messages：chat.db 和 Attachments 文件夹）。macOS 保护这个文件夹：要复制它，请先退出“信息”，给“访达”或“终端”开启“完全磁盘访问权限”（系统设置 → 隐私与安全性 → 完全磁盘访问权限），再把整个 Messages 文件夹复制到 U 盘或任意文件夹。ChatVault 可以在任何电脑上导入这份副本；只导入 chat.db 也可以，但其中的图片和文件会显示为缺失。</translation>
    </message>
</context>
<context>
    <name>ArticleText</name>
    <message>
        <source>Deleted at the source on %1 — saved copy below</source>
        <translation>来源已于 %1 删除 — 下方是保存的副本</translation>
    </message>
    <message>
        <source>Deleted at the source on %1 — no saved copy</source>
        <translation>来源已于 %1 删除 — 没有保存副本</translation>
    </message>
    <message>
        <source>Blocked at the source on %1 — saved copy below</source>
        <translation>来源已于 %1 屏蔽 — 下方是保存的副本</translation>
    </message>
    <message>
        <source>Blocked at the source on %1 — no saved copy</source>
        <translation>来源已于 %1 屏蔽 — 没有保存副本</translation>
    </message>
    <message>
        <source>Saved copy (captured %1)</source>
        <translation>已保存副本（保存于 %1）</translation>
    </message>
    <message>
        <source>Still online when checked on %1</source>
        <translation>%1 检查时仍可访问</translation>
    </message>
    <message>
        <source>Deleted at the source (checked on %1)</source>
        <translation>来源已删除（%1 检查）</translation>
    </message>
    <message>
        <source>Blocked at the source (checked on %1)</source>
        <translation>来源已屏蔽（%1 检查）</translation>
    </message>
    <message>
        <source>Could not be reached when checked on %1</source>
        <translation>%1 检查时无法访问</translation>
    </message>
    <message>
        <source>Not checked at the source yet</source>
        <translation>尚未向来源检查</translation>
    </message>
    <message>
        <source>from WeChat's own cache on this device</source>
        <translation>来自本设备上微信自己的缓存</translation>
    </message>
    <message>
        <source>fetched from the web</source>
        <translation>从网上获取</translation>
    </message>
</context>
<context>
    <name>ArticleViewer</name>
    <message>
        <source>Saved copy</source>
        <translation>保存的副本</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>再次检查</translation>
    </message>
    <message>
        <source>This article is no longer in the vault.</source>
        <translation>这篇文章已不在保险库中。</translation>
    </message>
    <message>
        <source>Saved copy captured on %1, %2</source>
        <translation>副本保存于 %1，%2</translation>
    </message>
    <message>
        <source>No saved copy of this article.</source>
        <translation>这篇文章没有保存副本。</translation>
    </message>
    <message>
        <source>Turn on fetching in Settings → Articles to ask the source again.</source>
        <translation>在“设置 → 文章”中开启获取后，才能再次询问来源。</translation>
    </message>
    <message>
        <source>Links are not opened from a saved copy. Address: %1</source>
        <translation>保存的副本中的链接不会被打开。地址：%1</translation>
    </message>
    <message>
        <source>Asking the source…</source>
        <translation>正在询问来源…</translation>
    </message>
    <message>
        <source>Checked.</source>
        <translation>已检查。</translation>
    </message>
</context>
<context>
    <name>ArticlesSection</name>
    <message>
        <source>Articles</source>
        <translation>文章</translation>
    </message>
    <message>
        <source>Save copies of shared articles: fetch them from the internet</source>
        <translation>保存分享的文章副本：从互联网获取</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Only when I ask</source>
        <translation>仅在我要求时</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Wait between two requests to one site</source>
        <translation>对同一网站两次请求的间隔</translation>
    </message>
    <message>
        <source>Check saved articles again every</source>
        <translation>再次检查已保存文章的间隔</translation>
    </message>
    <message>
        <source>%1 articles linked from messages, %2 saved, %3 deleted or blocked at the source.</source>
        <translation>消息中链接了 %1 篇文章，已保存 %2 篇，%3 篇已被来源删除或屏蔽。</translation>
    </message>
    <message>
        <source>Fetch and check now…</source>
        <translation>立即获取并检查…</translation>
    </message>
    <message>
        <source>When this is on, ChatVault fetches each article linked in this vault's messages (chats, Moments, Favorites) once, only from these sites: %1 — and the pictures inside those articles from the article's own picture servers. At most one request every %2 s to each site, each limited to %3 s and %4 MiB (%5 MiB per picture), naming ChatVault as the program and sending no cookies. Copies are stored encrypted in the vault. “Check again” asks the same pages whether they still exist. Nothing else in ChatVault uses the internet (backups go only where you set them up). Off: nothing is fetched.</source>
        <translation>开启后，ChatVault 会把这个保险库消息中（聊天、朋友圈、收藏）链接的每篇文章获取一次，只从这些网站获取：%1；文章里的图片只从该文章自己的图片服务器获取。对每个网站每 %2 秒最多请求一次，每次请求最长 %3 秒、最大 %4 MiB（每张图片 %5 MiB），以 ChatVault 的名义请求，不发送任何网站登录或跟踪信息。副本加密保存在保险库中。“再次检查”会再询问同样的页面是否还在。ChatVault 的其他部分都不使用互联网（备份只发送到你设置的位置）。关闭时：什么都不获取。</translation>
    </message>
</context>
<context>
    <name>ArticlesJobDialog</name>
    <message>
        <source>Saving articles</source>
        <translation>正在保存文章</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Stopped. What was saved stays.</source>
        <translation>已停止。已保存的内容会保留。</translation>
    </message>
    <message>
        <source>Article %1 of %2</source>
        <translation>第 %1 篇，共 %2 篇</translation>
    </message>
    <message>
        <source>%1 saved, %2 checked, %3 could not be saved.</source>
        <translation>已保存 %1 篇，已检查 %2 篇，%3 篇无法保存。</translation>
    </message>
    <message>
        <source>Stopping after the current request…</source>
        <translation>当前请求完成后停止…</translation>
    </message>
</context>
<context>
    <name>MomentsPage</name>
    <message>
        <source>Moments</source>
        <translation>朋友圈</translation>
    </message>
    <message>
        <source>Whose posts:</source>
        <translation>谁的朋友圈：</translation>
    </message>
    <message>
        <source>Whose posts</source>
        <translation>谁的朋友圈</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>所有人</translation>
    </message>
    <message>
        <source>Show newer posts</source>
        <translation>显示更新的动态</translation>
    </message>
    <message>
        <source>Show older posts</source>
        <translation>显示更早的动态</translation>
    </message>
    <message>
        <source>Moments timeline</source>
        <translation>朋友圈时间线</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No Moments in this vault yet. Import a WeChat account folder (PC, Weixin 4 or Android) to keep its Moments.</source>
        <translation>保险库中还没有朋友圈。导入微信账号文件夹（电脑版、微信 4 或安卓）即可保存其中的朋友圈。</translation>
    </message>
    <message numerus="yes">
        <source>%n post(s)</source>
        <translation>
            <numerusform>%n 条动态</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PostCard</name>
    <message>
        <source>Deleted at the source: this post is only in your archive now.</source>
        <translation>已在来源处删除：这条动态现在只保存在你的存档中。</translation>
    </message>
    <message>
        <source>▶ Video (not in the vault: the cache no longer had it)</source>
        <translation>▶ 视频（不在保险库中：缓存里已经没有了）</translation>
    </message>
    <message>
        <source>▶ Video (only its preview picture was kept)</source>
        <translation>▶ 视频（只保留了预览图）</translation>
    </message>
    <message>
        <source>▶ Play video</source>
        <translation>▶ 播放视频</translation>
    </message>
    <message>
        <source>Photo %1 of %2</source>
        <translation>第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>Not in
the vault</source>
        <translation>不在
保险库中</translation>
    </message>
    <message>
        <source>This photo was not in WeChat's cache when the account was imported. Its address is kept: %1</source>
        <translation>导入账号时微信缓存中没有这张照片。已保留它的地址：%1</translation>
    </message>
    <message>
        <source>Cannot be
shown</source>
        <translation>无法
显示</translation>
    </message>
    <message>
        <source>🔒 Private</source>
        <translation>🔒 私密</translation>
    </message>
    <message>
        <source>Visible to: %1</source>
        <translation>部分可见：%1</translation>
    </message>
    <message>
        <source>Hidden from: %1</source>
        <translation>不给谁看：%1</translation>
    </message>
    <message>
        <source>Tags: %1</source>
        <translation>标签：%1</translation>
    </message>
    <message>
        <source>%1 replied to %2</source>
        <translation>%1 回复 %2</translation>
    </message>
    <message>
        <source>(deleted at the source)</source>
        <translation>（已在来源处删除）</translation>
    </message>
</context>
<context>
    <name>FavoritesPage</name>
    <message>
        <source>Favorites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Images and videos</source>
        <translation>图片与视频</translation>
    </message>
    <message>
        <source>Links and articles</source>
        <translation>链接与文章</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Chat history</source>
        <translation>聊天记录</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Search favorites: words, people, tags</source>
        <translation>搜索收藏：文字、联系人、标签</translation>
    </message>
    <message>
        <source>Search favorites</source>
        <translation>搜索收藏</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <source>No favorites here. Import a WeChat account folder (PC, Weixin 4 or Android): its Favorites come with it.</source>
        <translation>这里还没有收藏。导入微信账号文件夹（电脑版、微信 4 或安卓）后，它的收藏会一并导入。</translation>
    </message>
    <message>
        <source>Saved a copy to %1</source>
        <translation>已将副本保存到 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n favorite(s)</source>
        <translation>
            <numerusform>%n 条收藏</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FavoriteDetail</name>
    <message>
        <source>From %1 in %2</source>
        <translation>来自 %2 中的 %1</translation>
    </message>
    <message>
        <source>From %1</source>
        <translation>来自 %1</translation>
    </message>
    <message>
        <source>Favorited %1</source>
        <translation>收藏于 %1</translation>
    </message>
    <message>
        <source>Original message %1</source>
        <translation>原消息 %1</translation>
    </message>
    <message>
        <source>Deleted from WeChat's Favorites; the vault keeps it.</source>
        <translation>已从微信收藏中删除；保险库仍保留它。</translation>
    </message>
    <message>
        <source>Messages in this chat history</source>
        <translation>这条聊天记录中的消息</translation>
    </message>
    <message>
        <source>Play voice note</source>
        <translation>播放语音</translation>
    </message>
    <message>
        <source>Not in the vault: WeChat kept this file at %1</source>
        <translation>不在保险库中：微信曾把此文件存放在 %1</translation>
    </message>
    <message>
        <source>Open photo</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Save %1…</source>
        <translation>保存 %1…</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>保存副本</translation>
    </message>
</context>
<context>
    <name>Favorites</name>
    <message>
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>文章</translation>
    </message>
    <message>
        <source>Chat history</source>
        <translation>聊天记录</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Music</source>
        <translation>音乐</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Mini program</source>
        <translation>小程序</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>视频号</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Deleted in WeChat</source>
        <translation>已在微信中删除</translation>
    </message>
</context>
<context>
    <name>RemoteDownload</name>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Download web files…</source>
        <translation>下载网络文件…</translation>
    </message>
    <message>
        <source>Files the export names only by a web address (Slack, Discord, X): download them into the vault, once, when you agree.</source>
        <translation>导出文件中只以网址出现的文件（Slack、Discord、X）：经你同意后下载到保险库，每个只下载一次。</translation>
    </message>
    <message>
        <source>No file here is kept only as a web address.</source>
        <translation>这里没有只以网址保存的文件。</translation>
    </message>
    <message>
        <source>Download web files</source>
        <translation>下载网络文件</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Downloading… %1 of %2</source>
        <translation>正在下载… 第 %1 个，共 %2 个</translation>
    </message>
    <message>
        <source>Stopped: what was downloaded is kept.</source>
        <translation>已停止：已下载的文件会保留。</translation>
    </message>
    <message numerus="yes">
        <source>ChatVault will download %n file(s) that the exports name only by their web address, once each, from: %1. At most one request every %2 s per host, 100 MiB per file, with no cookies. The files are stored encrypted in the vault. Nothing is downloaded unless you agree.</source>
        <translation>
            <numerusform>ChatVault 将下载导出文件中只以网址出现的 %n 个文件，每个只下载一次，来源：%1。每个网站每 %2 秒最多请求一次，每个文件最大 100 MiB，不发送 Cookie。文件加密保存在保险库中。未经你同意不会下载任何内容。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n file(s).</source>
        <translation>
            <numerusform>已下载 %n 个文件。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be downloaded (the link has expired or needs a login).</source>
        <translation>
            <numerusform>%n 个无法下载（链接已过期或需要登录）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExpiringBox</name>
    <message>
        <source>Media about to be lost</source>
        <translation>即将丢失的媒体</translation>
    </message>
    <message>
        <source>Pictures and videos the vault has only as a thumbnail, or not at all, while the phone or computer may still have the original. Past the age below the messenger's servers may no longer have it: open these chats in WeChat or WhatsApp on that device now, tap each picture and video so the original downloads, then import the account again or let a watch folder capture the files.</source>
        <translation>这些图片和视频在保险库中只有缩略图，或者完全没有，但手机或电脑上可能还保存着原图。超过下面的期限后，聊天软件的服务器可能已不再保存原文件：请现在就在那台设备上的微信或 WhatsApp 中打开这些聊天，逐一点开图片和视频让原图下载下来，然后重新导入该账号，或让监视文件夹收录这些文件。</translation>
    </message>
    <message>
        <source>WeChat clean-up age (days):</source>
        <translation>微信清理期限（天）：</translation>
    </message>
    <message>
        <source>WhatsApp clean-up age (days):</source>
        <translation>WhatsApp 清理期限（天）：</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件数</translation>
    </message>
    <message>
        <source>Thumbnail only</source>
        <translation>仅缩略图</translation>
    </message>
    <message>
        <source>Not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>最早</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <source>Open it on</source>
        <translation>请在此设备上打开</translation>
    </message>
    <message>
        <source>Open chat</source>
        <translation>打开聊天</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>computer</source>
        <translation>电脑</translation>
    </message>
    <message>
        <source> and </source>
        <translation>和</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) may exist only on a device.</source>
        <translation>
            <numerusform>%n 个文件可能只保存在设备上。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing at risk: every picture and video past the clean-up age is in the vault at its best level.</source>
        <translation>没有面临丢失的媒体：超过清理期限的图片和视频都已以最佳质量存入保险库。</translation>
    </message>
</context>
</TS>
