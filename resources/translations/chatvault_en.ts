<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>BubbleDelegate</name>
    <message>
        <source>Video call</source>
        <translation />
    </message>
    <message>
        <source>Voice call</source>
        <translation />
    </message>
    <message>
        <source>[Sticker]</source>
        <translation />
    </message>
    <message>
        <source>[A message type ChatVault cannot show yet]</source>
        <translation />
    </message>
    <message>
        <source>File</source>
        <translation />
    </message>
    <message>
        <source>Link</source>
        <translation />
    </message>
    <message>
        <source>Pending</source>
        <translation />
    </message>
    <message>
        <source>Received</source>
        <translation />
    </message>
    <message>
        <source>Returned</source>
        <translation />
    </message>
    <message>
        <source>Red packet</source>
        <translation />
    </message>
    <message>
        <source>Transfer</source>
        <translation />
    </message>
    <message>
        <source>Location</source>
        <translation />
    </message>
    <message>
        <source>Contact card</source>
        <translation />
    </message>
    <message>
        <source>Poll</source>
        <translation />
    </message>
    <message>
        <source>Expired on the phone before the export: it cannot be recovered from this export.</source>
        <translation />
    </message>
    <message>
        <source>The original was never downloaded. Open it in the app, then re-import.</source>
        <translation />
    </message>
    <message>
        <source>Not in the export. Open it in the app to download it, then re-import.</source>
        <translation />
    </message>
    <message>
        <source>A message was recalled</source>
        <translation />
    </message>
    <message>
        <source>Forwarded from %1</source>
        <translation />
    </message>
    <message>
        <source>Forwarded</source>
        <translation />
    </message>
    <message>
        <source>Reply to a message that is not in the vault</source>
        <translation />
    </message>
    <message>
        <source>edited</source>
        <translation />
    </message>
    <message>
        <source>Deleted on phone</source>
        <translation />
    </message>
    <message>
        <source>Photo</source>
        <translation />
    </message>
    <message>
        <source>Video</source>
        <translation />
    </message>
    <message>
        <source>Photo not in the export</source>
        <translation />
    </message>
    <message>
        <source>Video not in the export</source>
        <translation />
    </message>
    <message>
        <source>Photo expired</source>
        <translation />
    </message>
    <message>
        <source>Video expired</source>
        <translation />
    </message>
    <message>
        <source>Sent</source>
        <translation />
    </message>
    <message>
        <source>Expired</source>
        <translation />
    </message>
    <message>
        <source>Live location</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%n vote(s)</source>
        <translation>
            <numerusform>%n vote</numerusform>
            <numerusform>%n votes</numerusform>
        </translation>
    </message>
    <message>
        <source>The chat was exported without media. Export it again with media included, then re-import.</source>
        <translation />
    </message>
</context>
<context>
    <name>ChatList</name>
    <message>
        <source>[Photo]</source>
        <translation />
    </message>
    <message>
        <source>[Video]</source>
        <translation />
    </message>
    <message>
        <source>[Voice]</source>
        <translation />
    </message>
    <message>
        <source>[File]</source>
        <translation />
    </message>
    <message>
        <source>[Sticker]</source>
        <translation />
    </message>
    <message>
        <source>[Location]</source>
        <translation />
    </message>
    <message>
        <source>[Contact card]</source>
        <translation />
    </message>
    <message>
        <source>[Link]</source>
        <translation />
    </message>
    <message>
        <source>[Transfer]</source>
        <translation />
    </message>
    <message>
        <source>[Call]</source>
        <translation />
    </message>
    <message>
        <source>[Poll]</source>
        <translation />
    </message>
    <message>
        <source>[Recalled]</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message>
        <source>[Red packet]</source>
        <translation />
    </message>
</context>
<context>
    <name>ChatVault</name>
    <message>
        <source>Something went wrong</source>
        <translation />
    </message>
    <message>
        <source>ChatVault hit an unexpected problem. Your vault was not changed by it. The details are in the log; please include them in a report.</source>
        <translation />
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation />
    </message>
    <message>
        <source>Open log folder</source>
        <translation />
    </message>
</context>
<context>
    <name>CreateVaultDialog</name>
    <message>
        <source>Create your ChatVault</source>
        <translation />
    </message>
    <message>
        <source>ChatVault keeps your chats in an encrypted vault on this computer. Choose a passphrase: nobody can open the vault without it or the recovery key you will see next.</source>
        <translation />
    </message>
    <message>
        <source>Vault location</source>
        <translation />
    </message>
    <message>
        <source>Choose…</source>
        <translation />
    </message>
    <message>
        <source>Location</source>
        <translation />
    </message>
    <message>
        <source>Cancel</source>
        <translation />
    </message>
    <message>
        <source>Create vault</source>
        <translation />
    </message>
    <message>
        <source>Creating the vault…</source>
        <translation />
    </message>
    <message>
        <source>Where should the vault live?</source>
        <translation />
    </message>
    <message>
        <source>Your recovery key</source>
        <translation />
    </message>
    <message>
        <source>This key opens your vault if you forget the passphrase. It is shown only now. Save it as a file on a USB stick or print it, and keep it somewhere safe.</source>
        <translation />
    </message>
    <message>
        <source>Recovery key</source>
        <translation />
    </message>
    <message>
        <source>Nobody can recover a lost key: not ChatVault, not us, not anyone. If you lose both the passphrase and this key, your archive cannot be opened.</source>
        <translation />
    </message>
    <message>
        <source>Save as file…</source>
        <translation />
    </message>
    <message>
        <source>Print…</source>
        <translation />
    </message>
    <message>
        <source>Copy</source>
        <translation />
    </message>
    <message>
        <source>I have saved it</source>
        <translation />
    </message>
    <message>
        <source>Copied. The clipboard is cleared in %1 seconds.</source>
        <translation />
    </message>
    <message>
        <source>ChatVault recovery key</source>
        <translation />
    </message>
    <message>
        <source>Vault: %1</source>
        <translation />
    </message>
    <message>
        <source>This key opens the vault if the passphrase is forgotten. Nobody can recover a lost key.</source>
        <translation />
    </message>
    <message>
        <source>Save the recovery key</source>
        <translation />
    </message>
    <message>
        <source>Could not save the file: %1. Choose another place.</source>
        <translation />
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation />
    </message>
    <message>
        <source>Check that you saved it</source>
        <translation />
    </message>
    <message>
        <source>Show the key again</source>
        <translation />
    </message>
    <message>
        <source>Open my vault</source>
        <translation />
    </message>
    <message>
        <source>Type group %1 and group %2 of your recovery key from what you saved or printed.</source>
        <translation />
    </message>
    <message>
        <source>Group %1</source>
        <translation />
    </message>
    <message>
        <source>That does not match. Look at the key you saved, or go back and show it again.</source>
        <translation />
    </message>
</context>
<context>
    <name>GalleryPage</name>
    <message>
        <source>Media</source>
        <translation />
    </message>
    <message>
        <source>This chat</source>
        <translation />
    </message>
    <message>
        <source>All chats</source>
        <translation />
    </message>
    <message>
        <source>Photos and videos</source>
        <translation />
    </message>
    <message>
        <source>Photos</source>
        <translation />
    </message>
    <message>
        <source>Videos</source>
        <translation />
    </message>
    <message>
        <source>Captured files</source>
        <translation />
    </message>
    <message>
        <source>Kind</source>
        <translation />
    </message>
    <message>
        <source>Month</source>
        <translation />
    </message>
    <message>
        <source>Missing media</source>
        <translation />
    </message>
    <message>
        <source>These files are mentioned in your chats but were not in the export. If you find one (on the phone, in a backup, in the messenger's folder), choose it with "Locate file…" and it is added to the vault.</source>
        <translation />
    </message>
    <message>
        <source>Chat</source>
        <translation />
    </message>
    <message>
        <source>From</source>
        <translation />
    </message>
    <message>
        <source>When</source>
        <translation />
    </message>
    <message>
        <source>File</source>
        <translation />
    </message>
    <message>
        <source>Why it is missing</source>
        <translation />
    </message>
    <message>
        <source>Locate file…</source>
        <translation />
    </message>
    <message>
        <source>This chat: %1</source>
        <translation />
    </message>
    <message>
        <source>Any date</source>
        <translation />
    </message>
    <message>
        <source>Select a missing file in the list first.</source>
        <translation />
    </message>
    <message>
        <source>Locate the missing file</source>
        <translation />
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation />
    </message>
    <message>
        <source>Added to the vault.</source>
        <translation />
    </message>
    <message>
        <source>That attachment was already filled.</source>
        <translation />
    </message>
    <message>
        <source>Save a copy</source>
        <translation />
    </message>
    <message>
        <source>Saved a copy to %1</source>
        <translation />
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>← Previous</source>
        <translation />
    </message>
    <message>
        <source>Next →</source>
        <translation />
    </message>
    <message>
        <source>Zoom in</source>
        <translation />
    </message>
    <message>
        <source>Zoom out</source>
        <translation />
    </message>
    <message>
        <source>Fit</source>
        <translation />
    </message>
    <message>
        <source>Save a copy…</source>
        <translation />
    </message>
    <message>
        <source>This image cannot be shown.</source>
        <translation />
    </message>
    <message>
        <source>Thumbnail only (the export did not contain the original)</source>
        <translation />
    </message>
    <message>
        <source>Original</source>
        <translation />
    </message>
    <message>
        <source>Photo %1 of %2</source>
        <translation />
    </message>
    <message>
        <source>Save a copy</source>
        <translation />
    </message>
    <message>
        <source>Saved a copy to %1</source>
        <translation />
    </message>
</context>
<context>
    <name>ImportController</name>
    <message>
        <source>Choose the export folder</source>
        <translation />
    </message>
    <message>
        <source>Choose an export</source>
        <translation />
    </message>
    <message>
        <source>Chat exports (*.zip *.txt *.json *.db *.html);;All files (*)</source>
        <translation />
    </message>
    <message>
        <source>An import is already running.</source>
        <translation />
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation />
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import %1</source>
        <translation />
    </message>
    <message>
        <source>Reading %1 to see what it holds…</source>
        <translation />
    </message>
    <message>
        <source>Which name is me</source>
        <translation />
    </message>
    <message>
        <source>Detected automatically; type your name as it appears to change it</source>
        <translation />
    </message>
    <message>
        <source>Cancel</source>
        <translation />
    </message>
    <message>
        <source>Import</source>
        <translation />
    </message>
    <message>
        <source>Importing…</source>
        <translation />
    </message>
    <message>
        <source>Import progress</source>
        <translation />
    </message>
    <message>
        <source>You can keep reading your chats while this runs. Cancel keeps what is already imported; importing again continues where it stopped.</source>
        <translation />
    </message>
    <message>
        <source>Cancel import</source>
        <translation />
    </message>
    <message>
        <source>Done</source>
        <translation />
    </message>
    <message>
        <source>%1 — %2</source>
        <translation />
    </message>
    <message>
        <source>Chats</source>
        <translation />
    </message>
    <message>
        <source>Messages</source>
        <translation />
    </message>
    <message>
        <source>Media found</source>
        <translation />
    </message>
    <message>
        <source>Media missing from the export</source>
        <translation />
    </message>
    <message>
        <source>Dates</source>
        <translation />
    </message>
    <message>
        <source>Lines not understood</source>
        <translation />
    </message>
    <message>
        <source>WhatsApp limits exports to 10,000 messages with media (40,000 without): older messages may be missing. Export again "without media" to get more.</source>
        <translation />
    </message>
    <message>
        <source>Some media are not in the export. They will be listed as missing; you can add them later from Media → Missing.</source>
        <translation />
    </message>
    <message>
        <source>%1 (%2 messages)</source>
        <translation />
    </message>
    <message>
        <source>You chose this before for these chats; it is kept unless you change it.</source>
        <translation />
    </message>
    <message>
        <source>Found in the export. Choose another name if this is not you.</source>
        <translation />
    </message>
    <message>
        <source>The export does not say which sender is you: choose your name, or your messages will be shown as someone else's (you can change it later in the chat list's menu).</source>
        <translation />
    </message>
    <message>
        <source>%1 of %2 messages</source>
        <translation />
    </message>
    <message>
        <source>%1 messages</source>
        <translation />
    </message>
    <message>
        <source>%1/s</source>
        <translation />
    </message>
    <message>
        <source>about %1 left</source>
        <translation />
    </message>
    <message>
        <source>Import cancelled. What was imported so far is kept; import the same export again to continue.</source>
        <translation />
    </message>
    <message>
        <source>Imported, with some parts that could not be read</source>
        <translation />
    </message>
    <message>
        <source>Import finished</source>
        <translation />
    </message>
    <message>
        <source>New messages</source>
        <translation />
    </message>
    <message>
        <source>Already in the vault</source>
        <translation />
    </message>
    <message>
        <source>Deleted on the phone since the last import (kept here)</source>
        <translation />
    </message>
    <message>
        <source>Media stored</source>
        <translation />
    </message>
    <message>
        <source>… and %1 more (see `chatvault import-log`).</source>
        <translation />
    </message>
    <message>
        <source>This could not be imported</source>
        <translation />
    </message>
</context>
<context>
    <name>JumpToDateDialog</name>
    <message>
        <source>Jump to date</source>
        <translation />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Chats</source>
        <translation />
    </message>
    <message>
        <source>Search</source>
        <translation />
    </message>
    <message>
        <source>Media</source>
        <translation />
    </message>
    <message>
        <source>Protection</source>
        <translation />
    </message>
    <message>
        <source>Import an export</source>
        <translation />
    </message>
    <message>
        <source>Settings</source>
        <translation />
    </message>
    <message>
        <source>Lock (Ctrl+L)</source>
        <translation />
    </message>
    <message>
        <source>Lock</source>
        <translation />
    </message>
    <message>
        <source>Filter chats</source>
        <translation />
    </message>
    <message>
        <source>Conversations</source>
        <translation />
    </message>
    <message>
        <source>&amp;File</source>
        <translation />
    </message>
    <message>
        <source>&amp;Import export file…</source>
        <translation />
    </message>
    <message>
        <source>Import export &amp;folder…</source>
        <translation />
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation />
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation />
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation />
    </message>
    <message>
        <source>&amp;View</source>
        <translation />
    </message>
    <message>
        <source>&amp;Chats</source>
        <translation />
    </message>
    <message>
        <source>&amp;Search</source>
        <translation />
    </message>
    <message>
        <source>&amp;Media</source>
        <translation />
    </message>
    <message>
        <source>&amp;Protection</source>
        <translation />
    </message>
    <message>
        <source>&amp;Jump to date…</source>
        <translation />
    </message>
    <message>
        <source>M&amp;issing media…</source>
        <translation />
    </message>
    <message>
        <source>&amp;Help</source>
        <translation />
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation />
    </message>
    <message>
        <source>&amp;About ChatVault</source>
        <translation />
    </message>
    <message>
        <source>ChatVault is locked. Your chats are encrypted on disk.</source>
        <translation />
    </message>
    <message>
        <source>Unlock…</source>
        <translation />
    </message>
    <message>
        <source>%1 conversations</source>
        <translation />
    </message>
    <message>
        <source>This photo is not in the vault: %1</source>
        <translation />
    </message>
    <message>
        <source>Back up now</source>
        <translation />
    </message>
    <message>
        <source>Open protection</source>
        <translation />
    </message>
    <message>
        <source>About ChatVault</source>
        <translation />
    </message>
    <message>
        <source>ChatVault %1
Keep your chat histories safe for good: an encrypted, searchable archive.</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%Ln conversations</source>
        <translation>
            <numerusform>%Ln conversation</numerusform>
            <numerusform>%Ln conversations</numerusform>
        </translation>
    </message>
    <message>
        <source>Missing &amp;media…</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%n conversation(s)</source>
        <translation>
            <numerusform>%n conversation</numerusform>
            <numerusform>%n conversations</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MediaModel</name>
    <message>
        <source>Expired</source>
        <translation />
    </message>
    <message>
        <source>Not in the export</source>
        <translation />
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Messages</source>
        <translation />
    </message>
</context>
<context>
    <name>PassphraseFields</name>
    <message>
        <source>Passphrase</source>
        <translation />
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation />
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation />
    </message>
    <message>
        <source>Repeat</source>
        <translation />
    </message>
    <message>
        <source>Use it anyway. I understand that anyone who gets a copy of the vault folder can try to guess a weak passphrase on their own computer, without limit.</source>
        <translation />
    </message>
    <message>
        <source>Very weak</source>
        <translation />
    </message>
    <message>
        <source>Weak</source>
        <translation />
    </message>
    <message>
        <source>Fair</source>
        <translation />
    </message>
    <message>
        <source>Strong</source>
        <translation />
    </message>
    <message>
        <source>Very strong</source>
        <translation />
    </message>
    <message>
        <source>Use four or more unrelated words; a sentence only you know works well.</source>
        <translation />
    </message>
    <message>
        <source>Only spaces: spaces around a passphrase are not part of it.</source>
        <translation />
    </message>
    <message>
        <source>Strength: %1.</source>
        <translation />
    </message>
    <message>
        <source>Too easy to guess: add more words.</source>
        <translation />
    </message>
    <message>
        <source>Choose a passphrase.</source>
        <translation />
    </message>
    <message>
        <source>A passphrase of only spaces is not a passphrase: spaces around it are ignored. Choose a passphrase of several words.</source>
        <translation />
    </message>
    <message>
        <source>The passphrase holds a control character, which cannot be typed the same way twice. Use letters, digits, punctuation and spaces.</source>
        <translation />
    </message>
    <message>
        <source>This passphrase is too easy to guess. Add a few more unrelated words, or tick “Use it anyway” if you accept the risk.</source>
        <translation />
    </message>
    <message>
        <source>The two passphrases differ. Type the same passphrase twice.</source>
        <translation />
    </message>
</context>
<context>
    <name>ProtectionPage</name>
    <message>
        <source>Protection</source>
        <translation />
    </message>
    <message>
        <source>Backups</source>
        <translation />
    </message>
    <message>
        <source>Watch folders</source>
        <translation />
    </message>
    <message>
        <source>Destination</source>
        <translation />
    </message>
    <message>
        <source>Where</source>
        <translation />
    </message>
    <message>
        <source>State</source>
        <translation />
    </message>
    <message>
        <source>Last verified backup</source>
        <translation />
    </message>
    <message>
        <source>Schedule</source>
        <translation />
    </message>
    <message>
        <source>History</source>
        <translation />
    </message>
    <message>
        <source>When</source>
        <translation />
    </message>
    <message>
        <source>What</source>
        <translation />
    </message>
    <message>
        <source>Result</source>
        <translation />
    </message>
    <message>
        <source>Details</source>
        <translation />
    </message>
    <message>
        <source>Folder</source>
        <translation />
    </message>
    <message>
        <source>Rule</source>
        <translation />
    </message>
    <message>
        <source>Status</source>
        <translation />
    </message>
    <message>
        <source>Last captured</source>
        <translation />
    </message>
    <message>
        <source>Add a backup folder…</source>
        <translation />
    </message>
    <message>
        <source>Remove</source>
        <translation />
    </message>
    <message>
        <source>Back up now</source>
        <translation />
    </message>
    <message>
        <source>Verify</source>
        <translation />
    </message>
    <message>
        <source>Restore…</source>
        <translation />
    </message>
    <message>
        <source>Cancel</source>
        <translation />
    </message>
    <message>
        <source>Add a watch folder…</source>
        <translation />
    </message>
    <message>
        <source>Stop watching</source>
        <translation />
    </message>
    <message>
        <source>ChatVault copies new files from these folders into the vault (capture), or imports new exports saved there (auto-import). Deleting a file there never deletes it from the vault.</source>
        <translation />
    </message>
    <message>
        <source>Backup destinations</source>
        <translation />
    </message>
    <message>
        <source>No verified backup yet</source>
        <translation />
    </message>
    <message>
        <source>Last verified backup: %1 (%2)</source>
        <translation />
    </message>
    <message>
        <source>older than %1 days</source>
        <translation />
    </message>
    <message>
        <source>the last attempt failed: %1</source>
        <translation />
    </message>
    <message>
        <source>Every day</source>
        <translation />
    </message>
    <message>
        <source>Every %1 days</source>
        <translation />
    </message>
    <message>
        <source>Every hour</source>
        <translation />
    </message>
    <message>
        <source>Every %1 hours</source>
        <translation />
    </message>
    <message>
        <source>Every %1 minutes</source>
        <translation />
    </message>
    <message>
        <source>just now</source>
        <translation />
    </message>
    <message>
        <source>%1 minutes ago</source>
        <translation />
    </message>
    <message>
        <source>%1 hours ago</source>
        <translation />
    </message>
    <message>
        <source>%1 days ago</source>
        <translation />
    </message>
    <message>
        <source>All backups are up to date.</source>
        <translation />
    </message>
    <message>
        <source>Your archive has no backup yet. Add a backup folder on another drive.</source>
        <translation />
    </message>
    <message>
        <source>The watch folder %1 cannot be reached (unplugged drive or network share?).</source>
        <translation />
    </message>
    <message>
        <source>On schedule</source>
        <translation />
    </message>
    <message>
        <source>Needs attention</source>
        <translation />
    </message>
    <message>
        <source>At risk</source>
        <translation />
    </message>
    <message>
        <source>Off</source>
        <translation />
    </message>
    <message>
        <source>due now</source>
        <translation />
    </message>
    <message>
        <source>next %1</source>
        <translation />
    </message>
    <message>
        <source>Backup</source>
        <translation />
    </message>
    <message>
        <source>Restore</source>
        <translation />
    </message>
    <message>
        <source>Prune</source>
        <translation />
    </message>
    <message>
        <source>OK</source>
        <translation />
    </message>
    <message>
        <source>Failed</source>
        <translation />
    </message>
    <message>
        <source>Running</source>
        <translation />
    </message>
    <message>
        <source>Cancelled</source>
        <translation />
    </message>
    <message>
        <source>Copy new files</source>
        <translation />
    </message>
    <message>
        <source>Import new exports</source>
        <translation />
    </message>
    <message>
        <source>Starting</source>
        <translation />
    </message>
    <message>
        <source>Scanning</source>
        <translation />
    </message>
    <message>
        <source>Watching</source>
        <translation />
    </message>
    <message>
        <source>Cannot be reached</source>
        <translation />
    </message>
    <message>
        <source>Paused</source>
        <translation />
    </message>
    <message>
        <source>%1 captured</source>
        <translation />
    </message>
    <message>
        <source>Choose a folder to watch</source>
        <translation />
    </message>
    <message>
        <source>Copy new files into the vault (capture)</source>
        <translation />
    </message>
    <message>
        <source>Import new exports saved here (auto-import)</source>
        <translation />
    </message>
    <message>
        <source>Watch rule</source>
        <translation />
    </message>
    <message>
        <source>What should ChatVault do?</source>
        <translation />
    </message>
    <message>
        <source>Choose a backup folder (ideally on another drive)</source>
        <translation />
    </message>
    <message>
        <source>Name this backup</source>
        <translation />
    </message>
    <message>
        <source>Name</source>
        <translation />
    </message>
    <message>
        <source>Cancelled. Nothing already saved was lost.</source>
        <translation />
    </message>
    <message>
        <source>%1 of %2</source>
        <translation />
    </message>
    <message>
        <source>about %1 left</source>
        <translation />
    </message>
    <message>
        <source>It did not work: %1</source>
        <translation />
    </message>
    <message>
        <source>Backup to %1 finished and verified: %2 sent of %3.</source>
        <translation />
    </message>
    <message>
        <source>Backing up to %1…</source>
        <translation />
    </message>
    <message>
        <source>%1: every snapshot and object is intact (%2 snapshots checked).</source>
        <translation />
    </message>
    <message>
        <source>%1: %2 damaged objects found. Run a new backup now.</source>
        <translation />
    </message>
    <message>
        <source>Verifying %1…</source>
        <translation />
    </message>
    <message>
        <source>Scheduled backup…</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%n damaged objects found. Run a new backup now.</source>
        <translation>
            <numerusform>%n damaged object found. Run a new backup now.</numerusform>
            <numerusform>%n damaged objects found. Run a new backup now.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n snapshots</source>
        <translation>
            <numerusform>%n snapshot</numerusform>
            <numerusform>%n snapshots</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n objects</source>
        <translation>
            <numerusform>%n object</numerusform>
            <numerusform>%n objects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n database pages</source>
        <translation>
            <numerusform>%n database page</numerusform>
            <numerusform>%n database pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n media files</source>
        <translation>
            <numerusform>%n media file</numerusform>
            <numerusform>%n media files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n messages</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>older than %n days</source>
        <translation>
            <numerusform>older than %n day</numerusform>
            <numerusform>older than %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Every %n minutes</source>
        <translation>
            <numerusform>Every minute</numerusform>
            <numerusform>Every %n minutes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Restore from %1</source>
        <translation />
    </message>
    <message>
        <source>A restore builds a complete vault in a new folder. Your current vault is not touched.</source>
        <translation />
    </message>
    <message>
        <source>messages</source>
        <translation />
    </message>
    <message>
        <source>damaged</source>
        <translation />
    </message>
    <message>
        <source>Choose…</source>
        <translation />
    </message>
    <message>
        <source>Snapshot</source>
        <translation />
    </message>
    <message>
        <source>Restore into</source>
        <translation />
    </message>
    <message>
        <source>Close</source>
        <translation />
    </message>
    <message>
        <source>Restore</source>
        <translation />
    </message>
    <message>
        <source>Choose an empty folder</source>
        <translation />
    </message>
    <message>
        <source>Restored to %1. Open it with: chatvault --vault "%1"</source>
        <translation />
    </message>
    <message>
        <source>Restored to %1 with problems: %2 media files could not be restored.</source>
        <translation />
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <source>Search all chats</source>
        <translation />
    </message>
    <message>
        <source>Search messages, e.g. 红包 or "train ticket"</source>
        <translation />
    </message>
    <message>
        <source>Search</source>
        <translation />
    </message>
    <message>
        <source>Sender</source>
        <translation />
    </message>
    <message>
        <source>From</source>
        <translation />
    </message>
    <message>
        <source>To</source>
        <translation />
    </message>
    <message>
        <source>Only deleted on phone</source>
        <translation />
    </message>
    <message>
        <source>Chat</source>
        <translation />
    </message>
    <message>
        <source>Kind</source>
        <translation />
    </message>
    <message>
        <source>Sort</source>
        <translation />
    </message>
    <message>
        <source>All kinds</source>
        <translation />
    </message>
    <message>
        <source>Text</source>
        <translation />
    </message>
    <message>
        <source>Photos</source>
        <translation />
    </message>
    <message>
        <source>Videos</source>
        <translation />
    </message>
    <message>
        <source>Voice</source>
        <translation />
    </message>
    <message>
        <source>Files</source>
        <translation />
    </message>
    <message>
        <source>Links</source>
        <translation />
    </message>
    <message>
        <source>Payments</source>
        <translation />
    </message>
    <message>
        <source>Locations</source>
        <translation />
    </message>
    <message>
        <source>Stickers</source>
        <translation />
    </message>
    <message>
        <source>Calls</source>
        <translation />
    </message>
    <message>
        <source>System messages</source>
        <translation />
    </message>
    <message>
        <source>Newest first</source>
        <translation />
    </message>
    <message>
        <source>Oldest first</source>
        <translation />
    </message>
    <message>
        <source>Best match</source>
        <translation />
    </message>
    <message>
        <source>All chats</source>
        <translation />
    </message>
    <message>
        <source>Type a word or two. Chinese works with one or two characters.</source>
        <translation />
    </message>
    <message>
        <source>Searching…</source>
        <translation />
    </message>
    <message>
        <source>No messages match. Try fewer words or remove a filter.</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%Ln message(s) (%1 ms)</source>
        <translation>
            <numerusform>%Ln message (%1 ms)</numerusform>
            <numerusform>%Ln messages (%1 ms)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>showing the first %Ln</source>
        <translation>
            <numerusform>showing the first %Ln</numerusform>
            <numerusform>showing the first %Ln</numerusform>
        </translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation />
    </message>
    <message>
        <source>%1 messages (%2 ms)</source>
        <translation />
    </message>
    <message>
        <source>showing the first %1</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation />
    </message>
    <message>
        <source>Follow the system</source>
        <translation />
    </message>
    <message>
        <source>Light</source>
        <translation />
    </message>
    <message>
        <source>Dark</source>
        <translation />
    </message>
    <message>
        <source>System language</source>
        <translation />
    </message>
    <message>
        <source>System size</source>
        <translation />
    </message>
    <message>
        <source>Never</source>
        <translation />
    </message>
    <message>
        <source> min</source>
        <translation />
    </message>
    <message>
        <source>Lock when the session's screen is locked</source>
        <translation />
    </message>
    <message>
        <source>Also notify when a backup succeeds</source>
        <translation />
    </message>
    <message>
        <source>Theme</source>
        <translation />
    </message>
    <message>
        <source>Language</source>
        <translation />
    </message>
    <message>
        <source>Font size</source>
        <translation />
    </message>
    <message>
        <source>Lock after this long without keyboard or mouse activity</source>
        <translation />
    </message>
    <message>
        <source>Idle lock</source>
        <translation />
    </message>
    <message>
        <source>Ctrl+L locks at any time. Locking closes the database and forgets the key.</source>
        <translation />
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>Yesterday</source>
        <translation />
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Open ChatVault</source>
        <translation />
    </message>
    <message>
        <source>Back up now</source>
        <translation />
    </message>
    <message>
        <source>Lock</source>
        <translation />
    </message>
    <message>
        <source>Quit</source>
        <translation />
    </message>
    <message>
        <source>ChatVault is locked</source>
        <translation />
    </message>
    <message>
        <source>ChatVault</source>
        <translation />
    </message>
    <message>
        <source>Your archive is protected again.</source>
        <translation />
    </message>
    <message>
        <source>ChatVault needs attention</source>
        <translation />
    </message>
    <message>
        <source>ChatVault keeps watching your folders and backing up. Use the tray icon to open it, or Quit from its menu.</source>
        <translation />
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Unlock ChatVault</source>
        <translation />
    </message>
    <message>
        <source>Passphrase</source>
        <translation />
    </message>
    <message>
        <source>Remember the passphrase in this computer's keyring</source>
        <translation />
    </message>
    <message>
        <source>Quit</source>
        <translation />
    </message>
    <message>
        <source>Unlock</source>
        <translation />
    </message>
    <message>
        <source>Choose a new passphrase</source>
        <translation />
    </message>
    <message>
        <source>The recovery key opened the vault. Choose a new passphrase now, so that you do not need the key next time. The recovery key stays valid.</source>
        <translation />
    </message>
    <message>
        <source>Not now</source>
        <translation />
    </message>
    <message>
        <source>Set passphrase</source>
        <translation />
    </message>
    <message>
        <source>Setting the new passphrase…</source>
        <translation />
    </message>
    <message>
        <source>The passphrase was not changed: %1</source>
        <translation />
    </message>
    <message>
        <source>Type the recovery key of the vault in %1 (8 groups of 5 characters).</source>
        <translation />
    </message>
    <message>
        <source>Recovery key</source>
        <translation />
    </message>
    <message>
        <source>Use the passphrase instead</source>
        <translation />
    </message>
    <message>
        <source>Enter the passphrase of the vault in %1</source>
        <translation />
    </message>
    <message>
        <source>Forgot it? Use the recovery key</source>
        <translation />
    </message>
    <message>
        <source>Unlocking…</source>
        <translation />
    </message>
    <message>
        <source>The passphrase remembered in the keyring no longer opens this vault. Type the current passphrase.</source>
        <translation />
    </message>
    <message>
        <source>Wrong passphrase: the vault was not unlocked and nothing was changed.</source>
        <translation />
    </message>
    <message>
        <source>Check the keyboard layout and Caps Lock, or use your recovery key (link below).</source>
        <translation />
    </message>
    <message>
        <source>That recovery key does not open this vault. It is well-formed, so it may belong to another vault.</source>
        <translation />
    </message>
    <message>
        <source>The vault could not be opened: %1</source>
        <translation />
    </message>
</context>
<context>
    <name>WhoIsMe</name>
    <message>
        <source>Which sender is me?</source>
        <translation />
    </message>
    <message>
        <source>This is me: %1</source>
        <translation />
    </message>
    <message>
        <source>No senders in this chat</source>
        <translation />
    </message>
    <message>
        <source>%1 is now shown as you (%2 messages moved to your side).</source>
        <translation />
    </message>
    <message>
        <source>Could not change who is me: %1</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%1 is now shown as you (%n message(s) moved to your side).</source>
        <translation>
            <numerusform>%1 is now shown as you (%n message moved to your side).</numerusform>
            <numerusform>%1 is now shown as you (%n messages moved to your side).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VoicePlayer</name>
    <message>
        <source>Pause</source>
        <translation />
    </message>
    <message>
        <source>Play</source>
        <translation />
    </message>
    <message>
        <source>This voice note cannot be played: the file is damaged, or this computer cannot decode its format. Save attachment… keeps a copy to try elsewhere.</source>
        <translation />
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <source>Chat files</source>
        <translation />
    </message>
    <message>
        <source>Files and links shared in this chat</source>
        <translation />
    </message>
    <message>
        <source>Copy text</source>
        <translation />
    </message>
    <message>
        <source>Play</source>
        <translation />
    </message>
    <message>
        <source>Open</source>
        <translation />
    </message>
    <message>
        <source>Save attachment…</source>
        <translation />
    </message>
    <message>
        <source>Jump to quoted message</source>
        <translation />
    </message>
    <message>
        <source>Show in search</source>
        <translation />
    </message>
    <message>
        <source>Chat files…</source>
        <translation />
    </message>
    <message>
        <source>Message details…</source>
        <translation />
    </message>
    <message>
        <source>Copied</source>
        <translation />
    </message>
    <message>
        <source>This voice note is not in the vault: %1</source>
        <translation />
    </message>
    <message>
        <source>This file is not in the vault: %1</source>
        <translation />
    </message>
    <message>
        <source>Opening %1…</source>
        <translation />
    </message>
    <message>
        <source>No app on this computer opens %1. Use Save attachment… instead.</source>
        <translation />
    </message>
    <message>
        <source>Save attachment</source>
        <translation />
    </message>
    <message>
        <source>Saved to %1</source>
        <translation />
    </message>
    <message>
        <source>It could not be written: %1</source>
        <translation />
    </message>
    <message>
        <source>The quoted message is not in the vault (it was not in any export imported so far).</source>
        <translation />
    </message>
</context>
<context>
    <name>MessageDetailsDialog</name>
    <message>
        <source>Message details</source>
        <translation />
    </message>
    <message>
        <source>Message</source>
        <translation />
    </message>
    <message>
        <source>This message is no longer in the vault.</source>
        <translation />
    </message>
    <message>
        <source>Not recorded</source>
        <translation />
    </message>
    <message>
        <source>Import #%1 of %2 on %3 (%4)</source>
        <translation />
    </message>
    <message>
        <source>unknown account</source>
        <translation />
    </message>
    <message>
        <source>Source</source>
        <translation />
    </message>
    <message>
        <source>Conversation</source>
        <translation />
    </message>
    <message>
        <source>System</source>
        <translation />
    </message>
    <message>
        <source>Sender</source>
        <translation />
    </message>
    <message>
        <source>Time</source>
        <translation />
    </message>
    <message>
        <source>Original id</source>
        <translation />
    </message>
    <message>
        <source>Location in the export</source>
        <translation />
    </message>
    <message>
        <source>First imported</source>
        <translation />
    </message>
    <message>
        <source>Last seen</source>
        <translation />
    </message>
    <message>
        <source>Status</source>
        <translation />
    </message>
    <message>
        <source>Deleted on the phone: missing from a later export (%1). The vault keeps it.</source>
        <translation />
    </message>
    <message>
        <source>Present in the latest export that covered it</source>
        <translation />
    </message>
    <message>
        <source>Edited</source>
        <translation />
    </message>
    <message>
        <source>Yes (the export does not say when)</source>
        <translation />
    </message>
    <message>
        <source>Forwarded from</source>
        <translation />
    </message>
    <message>
        <source>Reply to (original id)</source>
        <translation />
    </message>
    <message>
        <source>in the vault</source>
        <translation />
    </message>
    <message>
        <source>not in the export</source>
        <translation />
    </message>
    <message>
        <source>expired</source>
        <translation />
    </message>
    <message>
        <source>path in the export: %1</source>
        <translation />
    </message>
    <message>
        <source>Attachment</source>
        <translation />
    </message>
</context>
<context>
    <name>ChatFilesDialog</name>
    <message>
        <source>Chat files: %1</source>
        <translation />
    </message>
    <message>
        <source>Loading…</source>
        <translation />
    </message>
    <message>
        <source>Name</source>
        <translation />
    </message>
    <message>
        <source>Size</source>
        <translation />
    </message>
    <message>
        <source>Date</source>
        <translation />
    </message>
    <message>
        <source>From</source>
        <translation />
    </message>
    <message>
        <source>Title</source>
        <translation />
    </message>
    <message>
        <source>Address</source>
        <translation />
    </message>
    <message>
        <source>Files</source>
        <translation />
    </message>
    <message>
        <source>Links</source>
        <translation />
    </message>
    <message>
        <source>Open</source>
        <translation />
    </message>
    <message>
        <source>Save as…</source>
        <translation />
    </message>
    <message>
        <source>Show in chat</source>
        <translation />
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n link(s)</source>
        <translation>
            <numerusform>%n link</numerusform>
            <numerusform>%n links</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SourcePanel</name>
    <message numerus="yes">
        <source>%1 (%n message(s))</source>
        <translation>
            <numerusform>%1 (%n message)</numerusform>
            <numerusform>%1 (%n messages)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>%n chat(s)</source>
        <translation>
            <numerusform>%n chat</numerusform>
            <numerusform>%n chats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExpiringBox</name>
    <message numerus="yes">
        <source>%n file(s) may exist only on a device.</source>
        <translation>
            <numerusform>%n file may exist only on a device.</numerusform>
            <numerusform>%n files may exist only on a device.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MomentsPage</name>
    <message numerus="yes">
        <source>%n post(s)</source>
        <translation>
            <numerusform>%n post</numerusform>
            <numerusform>%n posts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FavoritesPage</name>
    <message numerus="yes">
        <source>%n favorite(s)</source>
        <translation>
            <numerusform>%n favorite</numerusform>
            <numerusform>%n favorites</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RemoteDownload</name>
    <message numerus="yes">
        <source>ChatVault will download %n file(s) that the exports name only by their web address, once each, from: %1. At most one request every %2 s per host, 100 MiB per file, with no cookies. The files are stored encrypted in the vault. Nothing is downloaded unless you agree.</source>
        <translation>
            <numerusform>ChatVault will download %n file that the exports name only by its web address, once, from: %1. At most one request every %2 s per host, 100 MiB per file, with no cookies. The file is stored encrypted in the vault. Nothing is downloaded unless you agree.</numerusform>
            <numerusform>ChatVault will download %n files that the exports name only by their web address, once each, from: %1. At most one request every %2 s per host, 100 MiB per file, with no cookies. The files are stored encrypted in the vault. Nothing is downloaded unless you agree.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n file(s).</source>
        <translation>
            <numerusform>Downloaded %n file.</numerusform>
            <numerusform>Downloaded %n files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be downloaded (the link has expired or needs a login).</source>
        <translation>
            <numerusform>%n could not be downloaded (the link has expired or needs a login).</numerusform>
            <numerusform>%n could not be downloaded (the links have expired or need a login).</numerusform>
        </translation>
    </message>
</context>
</TS>
