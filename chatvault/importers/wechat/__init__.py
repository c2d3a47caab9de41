"""WeChat importers: Windows 3.x (`wechat-pc`), Weixin 4.x (`weixin4`), Android (`wechat-android`)."""

from chatvault.importers.wechat.android import WeChatAndroidImporter
from chatvault.importers.wechat.pc import WeChatPCImporter
from chatvault.importers.wechat.weixin4 import Weixin4Importer

__all__ = ["WeChatAndroidImporter", "WeChatPCImporter", "Weixin4Importer"]
