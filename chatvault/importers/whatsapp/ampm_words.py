"""AM/PM and day-period words as phones write them after (or before) a 12-hour clock time.

Generated from the CLDR day periods of every locale (CLDR data as shipped with babel 2.19, Unicode
License): each word, normalised like `ampm.normalise` (spaces, dots and direction marks removed,
lower-cased), under the hour ranges it may stand for ("0-12": AM, "12-24": PM, "6-12": "in the
morning", ...; a range may wrap past midnight). Words that mean AM in one language and PM in another
are left out (a time with such a word is read as written, with a warning). Regenerate rather than edit.
"""

RANGES: dict[str, str] = {
    '0-12': (
        "1ka a adduha ag am amvormittag an ankstāinan antemidí aqʼabʼil atm banhaet bn bore braxkndaax comme  "
        "delmatin dinda dopołdnja dopołedniŏ eqʼ eʼ fh ft fọmọ́nin gh goöň göň günortadanöň hengihengi hh  "
        "hoseng i i/m iarmade ib ibikɛ̂glà icheheavo idiɓa inthemorning iđitbeaivet iđitbeaivi kang’ama karoon  "
        "ki kiroko kiɛmɛ́ɛm krn kíkíríg kĩroko lb leebi lumalwak lwamilawu ma makeo mambia maná mbaʼámbaʼ  "
        "mbaꞌmbaꞌ mesong moies mor muhi munkyo nd ntufat ntɔ́ngɔ́ n’ụtụtụ od opensuno pagi/siang pamilau pd pg  "
        "pg/sg piopensuno priekšp priekšpusdiena priekšpusdienā priešpiet prijepodne prp prīškpušdīnē rn rw rũ  "
        "sa saaku safiya sf soodo sub subaka subbaahi sárúwá taparachu tesiran tifawt to too uhrvörmiddaachs  "
        "ulloqeqqata-tungaa uluchelo utuko vaasisu vm vörmeddaach wd wichishu yb ybore ynybore zdatazal zmu  "
        "àárɔ̀ àárọ̀ ç̌ ç̌um ç̌umaneri öň ĩyakwakya ŋ ǁgoagas ɛnkakɛnyá ʊshilèkʊboɖu πμ ϧ ϧⲙ а ам апн апоўначы  "
        "дп ку обедтэикеле преподне пријеподне таңкы то тң эи үө ӕмбисбоныразмӕ פֿאַרמיטאָג اےایم بن تد صباحا  "
        "صبح،منجهند عم غم ق قبل‌ازظهر قظ ق‌ظ پ پظ پیشزظهر چب چۈشتىنبۇرۇن ܏ܩܛ‌ ܏ܩ‌ ߛ एएम तडके दुपहरब्रोंठ  "
        "पूर्वाह्न फुं भोर भ्यागा येएम सबेरे सवेर सुबुहजा এএম নুমাং পূৰ্বাহ্ন ଏ ଏଏମ ఎ ఎఎమ్ පෙ පෙව ก่อนเที่ยง  "
        "ກ່ອນທ່ຽງ སྔ་ཆ་ སྔ་དྲོ་ တွၼ်ႈၸဝ်ႉ တၸ နံနက် ၸ ማለዶ ቀደምሰርምዕል ቅቀ ጠ ጽባሕ ፋዱስጃብ ᐁᒼ ᐊᒼ នៅពេលព្រឹក ព្រឹក ᠦ᠂ᠥ  "
        "ᱥᱮᱛᱟᱜ ⵜⵉⴼⴰⵡⵜ 上昼 上晝 午前 ꎸꄑ ꮜ ꮜꮎꮄ 𐐰𐑋 𐑨𐑥 𞤢 𞤢𞤰"),
    '12-24': (
        "2ja ak akasuba aluula anw banringzgvaq baubaukndaax carra ch chilo cɛɛ́nko desira dilolo e e/m ea  "
        "eahketbeaivet eahketbeaivi eb ebongi ebyámu efiafi eftermade eh eigulo ep ew fi fọívnin gd gm gosoň  "
        "gsoň günortadansoň hawwaro hwaĩ-inĩ ichamthi in ip iɓugajɔp kbʼeqʼij kikiiɗe kingoto kisɛ́ndɛ koosk  "
        "kooskoliny kugú kyiukonyi lilli lk lumalwap makaaripi mchochil’l mog mpókwa muu nam ncwònzém ngo  "
        "ngəgógəle nm nommendaach nomë nomëttes ntmeddit nyiaghuo n’abali n’abalị ondğ ondğeri ot p pamunyi  "
        "papussideinan pashamihe piecpušdīnē pinisuno pipinisuno pm pn popiet popołdnju popołedniu posmidí ptg  "
        "ptm pēcp shwane sn soré/malem soň sr/mlm tadggʷat teipa thapama tk tŋ uhrnommendaachs uk  "
        "ulloqeqqata-kingorna wb wótp wótpołdnja yamma yh ym z zaarikayb zd zmw ös ĩyawĩoo ŋkambɔ́tnji ũg  "
        "ǃuias ɔ̀sán ɛndámâ ɣ ʊshilèkʊsasʊ μμ апд апоўдні кх обедтэмейле п пм послијеподне пп тк түштөнкийинки  "
        "эк үх ӕмбисбоныфӕстӕ נאָכמיטאָג بظ بعدزظهر ب‌ظ تك دن غو ك م مساء منجهند،شام پیپی چك چۈشتىنكېيىن ܏ܒܛ‌  "
        "܏ܒ‌ ߥ अपराह्न दपेहरा/संजा दपैहरबाद दुपहरपतॖ पीएम बे बेलासे शामजा सांझ सांम स’ञ অপৰাহ্ন পিএম ପି ପିଏମ  "
        "పి పిఎమ్ ප පව หลังเที่ยง ຫຼັງທ່ຽງ ཕྱི་ཆ་ ཕྱི་དྲོ་ တလ တွၼ်ႈလႃႈ လ ሓቆስርምዕል ምሴት ቃማ ከ ድቀ ፋዱስደምቢ ᐲᒼ ᠦ᠂ᠬᠣ  "
        "ᱧᱤᱫᱟᱹ ḍeffiraza ọ̀sán ⲙ ⲙⲙ ⵜⴰⴷⴳⴳⵯⴰⵜ 下晝 午後 ꁯꋒ ꮢ ꮢꭿᏹꭲ ꮢꭿᏹꭲꮧꮲ 𐐹𐑋 𐑐𐑥 𞤩 𞤩𞤰"),
    '0-1': (
        "aadhiraat canolnos emesnatës gauerd gauerdia geceyarısı gecəyarı hatinggabi keskiyö keskiyöllä kesköö  "
        "keskööl kuty-si ky lamiezulnopții medianoite meia-noite mesnatë mezzanotte mi mid middernacht  "
        "middernag midn midnat midnatt midnight miezulnopții min minuit mitjanit mitternacht miðnætti mn  "
        "modhyan modhyanrat mëzaneutte nửađêm opoln opolnoci opolnoči opółn opółnocy pitunapyterupé poln  "
        "polnoc polnoč ponoć pusnakts pusnaktī półn północ půl půln půlnoc saasitazausiku tengahmalam  "
        "vidurnaktis yarimtun éjfél полн полночь полноќ полунощ поноћ північ түнжарымы түнорт түнортосу  "
        "шөнөдунд яримтун ҝеҹәјары կգ․ կեսգիշեր կեսգիշերին חצות ءتۇنجارىمى آدھیرات فيالمساء منتصفالليل نصفشب  "
        "نیمه‌شب आधीरात मध्यरात मध्यरात्र मध्यरात्रि मध्यान मध्यानरात मरा ਅੱਧੀਰਾਤ મધ્યરાત્રિ મરાત્રિ நள்  "
        "நள்ளிரவு అర్ధరాత్రి ಮಧ್ಯರಾತ್ರಿ അ അർദ്ധരാത്രി මැ මැදියම මැදියමටපසු เที่ยงคืน ທ່ຽງຄືນ သန်းခေါင်ယံ  "
        "შუაღამე შუაღამეს እኩለሌሊት អធ្រាត្រ 午夜 真夜中 자정"),
    '12-13': (
        "adhuhuri amiază canoldydd delmediodía domediodía dél emesditës günorta hd hádegi iandé-ara-pyturepé  "
        "keskip keskipäivä keskipäivällä keskpäev keskpäeval kp kurã-kuju laamiază madhyanh mediodía meio-dia  "
        "mesditë mezzogiorno midday midi migdia mittags mëzogiorno nap napol napoludnie noon opold opoldne  "
        "perpiet podne pol pold poldne poledne poludnie poł południe pusd pusdienlaiks pusdienlaikā  "
        "saasitazamchana tanghaling-tapat tr trưa tushpayti vidurdienis wpoł wpołudnie ö öğle напл напладне  "
        "пладне подне полд полдень полудень талтүс тушпайти түскі чактүш чт ҝ ҝүнорта үддунд կեսօր կեսօրին կօ․  "
        "تالءتۇس تۇسكى ظهر ظهرًا म मध्यान्ह நண் நண்பகல் ഉച്ച ම මධ්‍යාහ්නය ช่วงเที่ยง ตอนบ่าย เที่ยง ในตอนบ่าย  "
        "ທ່ຽງ မွန်းတည့် შუადღ შუადღე შუადღეს ቀ ቀትር ថ្ងៃត្រង់ 中午 正午 ꭲ ꭲꭶ 정오"),
    '12-18': (
        "aft apm après-midi chiều delpomeriggio del’apm del’après-midi depoidisnâ diemiddag diena dipomeriggio  "
        "după-amiaza după-amiază délután efterm eftermiddag eftirhádegi etterm ettermiddag iltap iltapäivä  "
        "iltapäivällä intheafternoon middag odpoledne omeftermiddagen poidisnâ pomeriggio popietė popod popol  "
        "popoldan popoludnie popoludní popoł popołudnie popołudniu poslijepodne prynhawn pärastlõuna  "
        "pärastlõunal påefterm påeftermiddagen påettermiddagen sd síðdegis ynyprynhawn yprynhawn öğledensonra  "
        "день попладне попод послийеподне түстенкейін түстенкейінгі түшткйн түштөнкийин уподне өдөр ցերեկ  "
        "ցերեկը ցերեկվա ցրկ تۇستەنكەيىن تۇستەنكەيىنگى మధ్యాహ్నం ಮಧ್ಯಾಹ್ನ ნაშუადღ ნაშუადღევი ნაშუადღევს  "
        "នៅពេលរសៀល រសៀល ’smiddags"),
    '6-12': (
        "aðmorgni damattin damañá dimattina goiza goizeko kusãgki kuêmaramẽ madaling-araw mattin mattina matí  "
        "mañá morgunn mrg norīta ochtend rytas rīts səhər ujutru сәһәр таң таңғы ујутро эртеңменен эртңмн  "
        "өглөө առավոտ առավոտյան առվ בבוקר בוקר تاڭ تاڭعى स সকাল সকালবেলায় ఉదయం ಬೆಳಗ್ಗೆ രാവിലെ උ උදේ ตอนเช้า  "
        "เช้า ในตอนเช้า ’sochtends 𑄝𑄬𑄚𑄳𑄠𑄬"),
    '18-24': (
        "aabig aand abend abends aften avond aðkvöldi dieaand disera dusoir embrëmjes kv kveld kväll kvöld  "
        "mbrëmje minnos omaftenen påkvelden påkvällen sera vakaras yrhwyr zaabig вечора вечір навечер երեկո  "
        "երեկոյան երկ රෑ ምሽት በምሽት ’savonds"),
    '18-21': (
        "este eve fiẽ intheevening navečer tối uveče veče wiecz wieczorem wieczór вече кечинде кечк кечкурун  "
        "кеш кешкі орой увече كەش كەشى அந்திமா அந்திமாலை సాయంత్రం ಸಂಜೆ ค่ำ საღ საღამო საღამოს នៅពេលល្ងាច ល្ងាច  "
        "저녁"),
    '12-16': (
        "alasiri donpar donparam dopahar dp gshk gɩshilikɔnɔ hapon nghapon בצהריים צהריים دوپہر دوپہرمیں  "
        "अपरान्ह दनपार दनपारां दुपार दोपहर দুপুর দুপুরবেলায় ਦੁਪਹਿਰੇ બપોર બપોરે ຕອນບ່າຍ ສ ສວາຍ နေ့လယ် 昼  "
        "𑄘𑄨𑄝𑄪𑄎𑄳𑄠"),
    '0-6': (
        "aðnóttu damadrugada delamadrugada dinotte día entathakusa goiz goizald goizaldea goizaldeko kurãge  "
        "madrugada matinada naktis ngumaga notte nt nótt pitunaetéramẽ pånatta umaga գիշեր գիշերը գիշերվա գշր  "
        "ሌሊት በሌሊት ’snachts"),
    '10-12': (
        "aamup aamupäivä aamupäivällä dopoldan form formiddag förm förmiddag omformiddagen przedpoł  "
        "przedpołudnie przedpołudniem påformiddagen påförm påförmiddagen vormittags претпладне"),
    '12-18 12-24': (
        "du em epasdites o odp pasdite pop popodne popoldne pēcpusd pēcpusdiena pēcpusdienā попл поподне ከሰዓት  "
        "오후"),
    '18-22': (
        "daseia kechqurun seara seară seia več večer zv zveč zvečer веч вечера вечерта кечқурун בערב ערב"),
    '4-12': (
        "sk sokall subah sáng πρωί τοπρωί ранку ранок утра صبحمیں बिहान सुबह ਸਵੇਰੇ સવાર સવારે 朝"),
    '20-4': (
        "raat rat rati rt βράδυ τοβράδυ رات راتمیں राती রাত্রি রাত্রিবেলায় રાત્રિ રાત્રે 𑄢𑄬𑄖𑄴"),
    '5-12': (
        "ammorge dieoggend dimineața dimineață hommik hommikul morge oggend கா ຕອນເຊົ້າ ເຊົ້າ დილ დილა დილით"),
    '16-20': (
        "gtsh gɩteŋshile sanj shaam sj शाम सांज સાંજ સાંજે ຕອນແລງ ແລງ"),
    '0-4': (
        "delanuit enatës gajanɩ gecə gjn natë ноќ ноќе ніч ҝеҹә"),
    '12-14': (
        "eguerd eguerdia eguerdiko zmittag ŋdɔ மதி மதியம் ഉച്ചയ്ക്ക് ද දවල්"),
    '16-18': (
        "אחה״צ אחרהצהריים سہپہر বিকাল மா மாலை ตอนเย็น เย็น ในตอนเย็น 𑄝𑄬𑄣𑄳𑄠𑄬"),
    '19-24': (
        "axşam ebusuku kutykỹ pitunaramẽ ахшам شب ည 夜晚 晚上"),
    '21-6': (
        "noć wnocy түн түничинде шөнө ءتۇن రాత్రి ರಾತ್ರಿ กลางคืน"),
    '6-10': (
        "ekuseni j jut mg påmorgenen rano zj zjut zjutraj"),
    '0-12 6-12': (
        "damanhã delamañana manhã mañana ص صباحًا ጥዋት 오전"),
    '21-4': (
        "ponoći zã éjjel đêm रा रात्र ਰਾਤ ਰਾਤੀਂ"),
    '4-6': (
        "hajnal sübh сүбһ प पहाट ভোর ভোরবেলায় 𑄛𑄧𑄖𑄳𑄠𑄃𑄟𑄧𑄣𑄳𑄠𑄬"),
    '0-5': (
        "dienag nachts nag nat omnatten znacht 凌晨"),
    '22-6': (
        "daneutte kechasi neutte noč po ponoči кечаси"),
    '0-12 10-12': (
        "ap dopoldne fm vorm vormittag претпл"),
    '18-23': (
        "illalla ilta vakars vakarā õhtu õhtul"),
    '21-24': (
        "atnight gaua gaueko nit នៅពេលយប់ យប់"),
    '12-17': (
        "gündüz μεσημ μεσημέρι τομεσημέρι ҝүндүз"),
    '19-21': (
        "akşam iluntz iluntzea iluntzeko vespre"),
    '22-4': (
        "vn vnoci ночи ночь презнощта"),
    '3-6': (
        "לפנותבוקר فجرًا فيالصباح പുലർച്ചെ 아침"),
    '5-10': (
        "aamu aamulla morgens ommorgenen påmorg"),
    '9-12': (
        "dopol dopoledne dopoludnia dopoludnie délelőtt"),
    '0-12 4-12': (
        "morning sokallim صبح सकाळीं"),
    '13-18': (
        "nachm nachmittag nachmittags بعدالظهر"),
    '13-19': (
        "ntambama tarda vesprada عصر"),
    '14-19': (
        "arrats arratsaldea arratsaldeko petang"),
    '16-21': (
        "सं संध्याकाळ ਸ਼ਾਮ ਸ਼ਾਮੀਂ"),
    '18-20': (
        "شاممیں সন্ধ্যা সন্ধ্যাবেলায় 𑄥𑄎𑄧𑄚𑄳𑄠"),
    '20-24': (
        "delanoche gjb gɩjibɔŋɔ noche"),
    '21-3': (
        "இ இர இரவு 밤"),
    '4-12 6-12': (
        "ujutro ујутру јутро सकाळ"),
    '4-9': (
        "emëngjesit mëngjes r ráno"),
    '5-10 6-10': (
        "morg morgen morgon påmorgonen"),
    '0-1 21-6': (
        "gece түнгі تۇنگى"),
    '0-12 9-12': (
        "de eparadites paradite"),
    '0-5 0-6': (
        "nacht natt pånatten"),
    '12-13 12-16': (
        "mchana दु ຕອນທ່ຽງ"),
    '12-24 14-18': (
        "amnamittag namittag ɣetrɔ"),
    '14-18': (
        "следобед හ හවස"),
    '16-19': (
        "jioni साँझ 夕方"),
    '17-20': (
        "απόγ απόγευμα τοαπόγευμα"),
    '21-4 21-6': (
        "noću ноћ ноћу"),
    '21-5': (
        "ღამ ღამე ღამით"),
    '23-5': (
        "yö yöllä öösel"),
    '4-7': (
        "alfajiri asb asʊbaa"),
    '6-11': (
        "ertalab sabah эрталаб"),
    '7-12': (
        "asubuhi gajaka gjk"),
    '0-4 0-12 4-12': (
        "mat matin"),
    '0-4 4-12': (
        "dumat dumatin"),
    '1-3': (
        "ل ليلاً"),
    '1-6': (
        "පා පාන්දර"),
    '11-18': (
        "kunduzi кундузи"),
    '12-13 12-14': (
        "mittag tengahhari"),
    '12-19': (
        "karukaramẽ rãkãnhkỹ"),
    '12-24 13-19': (
        "下午 下昼"),
    '12-24 16-20': (
        "sanje सांजे"),
    '12-24 18-24': (
        "soir مساءً"),
    '14-16': (
        "பிற் பிற்பகல்"),
    '15-18': (
        "sore വൈകുന്നേരം"),
    '16-18 18-24': (
        "gabi nggabi"),
    '17-19': (
        "axşamüstü ахшамүстү"),
    '18-19': (
        "akşamüstü സന്ധ്യ"),
    '20-5': (
        "ກາງຄືນ ຕອນກາງຄືນ"),
    '22-3': (
        "בלילה לילה"),
    '22-5': (
        "noapte noaptea"),
    '23-6': (
        "nakts naktī"),
    '3-5': (
        "அதி அதிகாலை"),
    '5-8': (
        "早上 清晨"),
    '0-1 0-10 1-12': (
        "pagi"),
    '0-1 0-4': (
        "ночі"),
    '0-1 19-24 21-24': (
        "danoite"),
    '0-1 19-4': (
        "usiku"),
    '0-12 12-13': (
        "g"),
    '0-12 18-22': (
        "v"),
    '0-12 23-5': (
        "öö"),
    '0-12 5-12': (
        "ŋdi"),
    '0-12 8-12': (
        "上午"),
    '0-12 9-12 10-12': (
        "dop"),
    '0-6 12-13 12-24 22-4 22-6': (
        "n"),
    '1-4': (
        "بامداد"),
    '10-13': (
        "emini"),
    '10-15': (
        "siang"),
    '11-12': (
        "öğledenönce"),
    '11-14': (
        "наобяд"),
    '12-13 12-18': (
        "дня"),
    '12-13 12-24': (
        "بعدازظهر"),
    '12-13 13-19': (
        "بعدازچاشت"),
    '12-16 12-18': (
        "afternoon"),
    '12-19 12-20 12-24 13-21': (
        "tarde"),
    '12-19 12-24 13-21': (
        "datarde"),
    '12-20 12-24': (
        "delatarde"),
    '12-24 16-19': (
        "ညနေ"),
    '12-24 18-20': (
        "شام"),
    '13-16': (
        "บ่าย"),
    '14-15': (
        "ഉച്ചതിരിഞ്ഞ്"),
    '16-20 18-21': (
        "evening"),
    '18-22 18-24': (
        "вечер"),
    '18-24 19-24': (
        "malam"),
    '19-22': (
        "बेलुकी"),
    '19-23': (
        "夜"),
    '19-24 21-24': (
        "noite"),
    '19-3': (
        "രാത്രി"),
    '20-4 21-24': (
        "night"),
    '20-4 22-4': (
        "रात"),
    '21-6 22-4': (
        "noc"),
    '23-4': (
        "夜中"),
    '3-5 5-12': (
        "காலை"),
    '4-10': (
        "наутро"),
    '4-10 4-12': (
        "утро"),
    '4-11': (
        "сутринта"),
    '4-5': (
        "fɔŋli"),
    '6-10 6-12': (
        "jutro"),
    '6-9': (
        "reggel"),
    '8-12': (
        "朝早"),
}
