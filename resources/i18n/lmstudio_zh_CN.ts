<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Every keyboard shortcut of the window</source>
        <translation>窗口的全部键盘快捷键</translation>
    </message>
    <message>
        <source>&lt;p&gt;A desktop workbench for training language models from scratch and looking inside them: load a corpus, build a vocabulary, choose an architecture, watch training live, and explore what the model writes token by token.&lt;/p&gt;&lt;p&gt;Built on PyTorch, SentencePiece, PySide6 (Qt) and pyqtgraph. MIT licence.&lt;/p&gt;</source>
        <translation>&lt;p&gt;一个从零训练语言模型并探查其内部的桌面工作台：加载语料、构建词表、选择架构、实时观察训练，并逐词元探索模型写出的内容。&lt;/p&gt;&lt;p&gt;基于 PyTorch、SentencePiece、PySide6 (Qt) 和 pyqtgraph 构建。MIT 许可证。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About lmstudio</source>
        <translation>关于 lmstudio</translation>
    </message>
    <message>
        <source>Hugging Face (transformers)</source>
        <translation>Hugging Face（transformers）</translation>
    </message>
    <message>
        <source>A folder transformers loads offline with AutoModelForCausalLM and AutoTokenizer, with a model card: Transformer runs only (GPT-2 layout for learned positions, GPT-NeoX for rotary)</source>
        <translation>一个 transformers 可用 AutoModelForCausalLM 和 AutoTokenizer 离线加载的文件夹，附带模型卡片：仅限 Transformer 运行（可学习位置编码采用 GPT-2 布局，旋转位置编码采用 GPT-NeoX 布局）</translation>
    </message>
    <message>
        <source>ONNX (onnxruntime)</source>
        <translation>ONNX（onnxruntime）</translation>
    </message>
    <message>
        <source>model.onnx for onnxruntime and other ONNX runtimes, with the tokenizer beside it: every architecture, recurrent ones too</source>
        <translation>供 onnxruntime 及其他 ONNX 运行时使用的 model.onnx，分词器放在旁边：支持所有架构，包括循环网络</translation>
    </message>
    <message>
        <source>an imported Hugging Face folder is a Hugging Face model already; export runs trained here</source>
        <translation>导入的 Hugging Face 文件夹本身就是 Hugging Face 模型；导出适用于在这里训练的运行</translation>
    </message>
    <message>
        <source>a compressed checkpoint (int8 or pruned) is not exported; choose a trained checkpoint (best, last or step-N)</source>
        <translation>压缩检查点（int8 或剪枝后的）不能导出；请选择训练得到的检查点（best、last 或 step-N）</translation>
    </message>
    <message>
        <source>Export into folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>0 (identical)</source>
        <translation>0（完全一致）</translation>
    </message>
    <message>
        <source>{asked} ({name}, step {step})</source>
        <translation>{asked}（{name}，第 {step} 步）</translation>
    </message>
    <message>
        <source>{name} (step {step})</source>
        <translation>{name}（第 {step} 步）</translation>
    </message>
    <message>
        <source>Exported {what} to {folder}</source>
        <translation>已将 {what} 导出到 {folder}</translation>
    </message>
    <message>
        <source>{architecture}, {parameters} parameters. Logits of the model transformers loads differ from ours by at most {diff} (checked on {sequences} sequences).</source>
        <translation>{architecture}，{parameters} 个参数。transformers 加载的模型与我们的模型的 logits 最多相差 {diff}（在 {sequences} 个序列上检查）。</translation>
    </message>
    <message>
        <source>{kind} tokenizer: the same ids as lmstudio on {texts} texts.</source>
        <translation>{kind} 分词器：在 {texts} 段文本上与 lmstudio 得到相同的 id。</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>注：{note}</translation>
    </message>
    <message>
        <source>Load it with AutoModelForCausalLM.from_pretrained({path}); README.md is its model card.</source>
        <translation>用 AutoModelForCausalLM.from_pretrained({path}) 加载；README.md 是它的模型卡片。</translation>
    </message>
    <message>
        <source>Weights in an external data file: {reason}</source>
        <translation>权重位于外部数据文件中：{reason}</translation>
    </message>
    <message>
        <source>Weights in an external data file.</source>
        <translation>权重位于外部数据文件中。</translation>
    </message>
    <message>
        <source>Weights inside the graph: {reason}</source>
        <translation>权重位于计算图内：{reason}</translation>
    </message>
    <message>
        <source>Weights inside the graph.</source>
        <translation>权重位于计算图内。</translation>
    </message>
    <message>
        <source>{architecture}, ONNX opset {opset}. Logits in onnxruntime at {checked} tokens (traced at {traced}) differ from PyTorch&apos;s by at most {diff} (tolerance {tolerance}).</source>
        <translation>{architecture}，ONNX opset {opset}。在 {checked} 个词元上（按 {traced} 追踪），onnxruntime 与 PyTorch 的 logits 最多相差 {diff}（容差 {tolerance}）。</translation>
    </message>
    <message>
        <source>Export {run}</source>
        <translation>导出 {run}</translation>
    </message>
    <message>
        <source>The run whose checkpoint is exported</source>
        <translation>要导出其检查点的运行</translation>
    </message>
    <message>
        <source>Which checkpoint of the run: best (lowest validation loss), last, or a step</source>
        <translation>运行的哪个检查点：best（验证集损失最低）、last，或某一步</translation>
    </message>
    <message>
        <source>The folder to write: it must be new or empty (the export is written beside it and renamed into place when checked, so nothing you have is overwritten)</source>
        <translation>要写入的文件夹：必须是新的或空的（导出先写在它旁边，检查通过后再重命名到位，因此不会覆盖你已有的任何内容）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose a folder: an empty one receives the export; in another a new folder named after the run is made</source>
        <translation>选择一个文件夹：空文件夹直接存放导出内容；否则在其中新建一个以运行命名的文件夹</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Hugging Face or ONNX</source>
        <translation>Hugging Face 或 ONNX</translation>
    </message>
    <message>
        <source>the export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Where the export went and what its check measured against the run&apos;s own model</source>
        <translation>导出到了哪里，以及与运行自身模型对比检查的结果</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Write the export, then check it against the run&apos;s own model</source>
        <translation>写出导出内容，然后与运行自身的模型对比检查</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close this dialog (an export under way is cancelled; nothing half-written stays)</source>
        <translation>关闭此对话框（进行中的导出会被取消；不会留下写了一半的内容）</translation>
    </message>
    <message>
        <source>Folder: give the folder to export into (new or empty)</source>
        <translation>文件夹：请指定要导出到的文件夹（新的或空的）</translation>
    </message>
    <message>
        <source>exporting {checkpoint} as {format}…</source>
        <translation>正在将 {checkpoint} 导出为 {format}…</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；未写入任何内容。</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>注意力头数</translation>
    </message>
    <message>
        <source>MLP ratio</source>
        <translation>MLP 倍率</translation>
    </message>
    <message>
        <source>Block size</source>
        <translation>块大小</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <source>MLP activation</source>
        <translation>MLP 激活函数</translation>
    </message>
    <message>
        <source>QK-norm</source>
        <translation>QK 归一化</translation>
    </message>
    <message>
        <source>Tie embedding and output</source>
        <translation>绑定嵌入与输出层</translation>
    </message>
    <message>
        <source>Biases</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Accumulation</source>
        <translation>梯度累积</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Time budget</source>
        <translation>时间预算</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Minimum LR</source>
        <translation>最小学习率</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>Warm-down share</source>
        <translation>降温占比</translation>
    </message>
    <message>
        <source>Warmup steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>Muon momentum</source>
        <translation>Muon 动量</translation>
    </message>
    <message>
        <source>Gradient clipping</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>Hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>Compile</source>
        <translation>编译</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Eval interval</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>Eval batches</source>
        <translation>评估批数</translation>
    </message>
    <message>
        <source>Patience</source>
        <translation>耐心值</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation>检查点间隔</translation>
    </message>
    <message>
        <source>Sample tokens</source>
        <translation>采样词元数</translation>
    </message>
    <message>
        <source>Probe passage</source>
        <translation>探针文本</translation>
    </message>
    <message>
        <source>Probe prompt</source>
        <translation>探针提示词</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>TensorBoard files</source>
        <translation>TensorBoard 文件</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Teacher forcing</source>
        <translation>教师强制</translation>
    </message>
    <message>
        <source>BLEU pairs</source>
        <translation>BLEU 句对数</translation>
    </message>
    <message>
        <source>Generating {n} {task} pairs</source>
        <translation>正在生成 {n} 个 {task} 句对</translation>
    </message>
    <message>
        <source>{name} holds no pairs: choose its target file (a second file, line-aligned with it), open a .tsv/.csv with source and target columns, or pick a toy task</source>
        <translation>{name} 不含句对：请选择它的目标文件（与之逐行对齐的第二个文件），打开含源列和目标列的 .tsv/.csv，或选择一个玩具任务</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Load, clean and split a text corpus</source>
        <translation>加载、清洗和划分文本语料</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>Build a tokenizer and look at its vocabulary</source>
        <translation>构建分词器并查看其词表</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Choose an architecture and see what it costs</source>
        <translation>选择架构并查看其开销</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train the model and watch it learn live</source>
        <translation>训练模型并实时观察学习过程</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Quantize or prune a trained run and compare it before and after, measured</source>
        <translation>对训练好的运行进行量化或剪枝，并实测对比前后效果</translation>
    </message>
    <message>
        <source>Playground</source>
        <translation>演练场</translation>
    </message>
    <message>
        <source>Generate text and see every token&apos;s probability, branch, score text, look inside</source>
        <translation>生成文本并查看每个词元的概率，还可分支、为文本评分、查看模型内部</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Every run in one table, and sweeps, duels and tournaments run unattended at equal compute</source>
        <translation>所有运行汇于一表；扫描、对决和锦标赛在相同算力下无人值守地运行</translation>
    </message>
    <message>
        <source>Sweeps</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Plan a sweep over any settings, or a ready-made duel, run it unattended and read the answer</source>
        <translation>规划对任意设置的扫描或现成的对决，无人值守地运行并读出结论</translation>
    </message>
    <message>
        <source>lmstudio workspace (*.json);;All files (*)</source>
        <translation>lmstudio 工作区 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The settings of {name} have changed since they were last saved. Save them?</source>
        <translation>{name} 的设置自上次保存后已更改。要保存吗？</translation>
    </message>
    <message>
        <source>&amp;New workspace</source>
        <translation>新建工作区(&amp;N)</translation>
    </message>
    <message>
        <source>Start over with default settings and Tiny Shakespeare</source>
        <translation>以默认设置和 Tiny Shakespeare 重新开始</translation>
    </message>
    <message>
        <source>&amp;Open workspace...</source>
        <translation>打开工作区(&amp;O)...</translation>
    </message>
    <message>
        <source>Open a workspace JSON file</source>
        <translation>打开一个工作区 JSON 文件</translation>
    </message>
    <message>
        <source>&amp;Save workspace</source>
        <translation>保存工作区(&amp;S)</translation>
    </message>
    <message>
        <source>Save the settings to the workspace file</source>
        <translation>将设置保存到工作区文件</translation>
    </message>
    <message>
        <source>Save workspace &amp;as...</source>
        <translation>工作区另存为(&amp;A)...</translation>
    </message>
    <message>
        <source>Save the settings to a new workspace JSON file</source>
        <translation>将设置保存到新的工作区 JSON 文件</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close lmstudio</source>
        <translation>关闭 lmstudio</translation>
    </message>
    <message>
        <source>&amp;Export view...</source>
        <translation>导出视图(&amp;E)...</translation>
    </message>
    <message>
        <source>Save a chart, token chips, heatmap, grid or map of this tab as PNG (presenter scale), SVG or HTML</source>
        <translation>将此标签页的图表、词元块、热力图、网格或图保存为 PNG（演示缩放）、SVG 或 HTML</translation>
    </message>
    <message>
        <source>Reopen last workspace and run at start</source>
        <translation>启动时重新打开上次的工作区和运行</translation>
    </message>
    <message>
        <source>When lmstudio starts, open the workspace and the run that were open when it last closed</source>
        <translation>lmstudio 启动时，打开上次关闭时已打开的工作区和运行</translation>
    </message>
    <message>
        <source>&amp;Dark theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <source>Switch between the light and dark theme</source>
        <translation>在浅色和深色主题之间切换</translation>
    </message>
    <message>
        <source>&amp;Presenter mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Large fonts and high contrast for talks and projectors</source>
        <translation>大字体、高对比度，适合演讲和投影仪</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>List every keyboard shortcut</source>
        <translation>列出所有键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;About lmstudio</source>
        <translation>关于 lmstudio(&amp;A)</translation>
    </message>
    <message>
        <source>Version and credits</source>
        <translation>版本和致谢</translation>
    </message>
    <message>
        <source>Go to {tab}</source>
        <translation>转到{tab}</translation>
    </message>
    <message>
        <source>Show the {tab} tab</source>
        <translation>显示“{tab}”标签页</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>New from &amp;recipe</source>
        <translation>从配方新建(&amp;R)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Workspace: {name}</source>
        <translation>工作区：{name}</translation>
    </message>
    <message>
        <source>Corpus: {name}</source>
        <translation>语料：{name}</translation>
    </message>
    <message>
        <source>(no recent files)</source>
        <translation>（无最近文件）</translation>
    </message>
    <message>
        <source>Clear recent files</source>
        <translation>清除最近文件</translation>
    </message>
    <message>
        <source>The corpus every tab works on</source>
        <translation>所有标签页使用的语料</translation>
    </message>
    <message>
        <source>Device: detecting…</source>
        <translation>设备：正在检测…</translation>
    </message>
    <message>
        <source>Where training will run: the GPU if there is one, else Apple MPS, else the CPU</source>
        <translation>训练运行的位置：有 GPU 时用 GPU，否则用 Apple MPS，再否则用 CPU</translation>
    </message>
    <message>
        <source>Window size, theme and recent files could not be saved</source>
        <translation>无法保存窗口大小、主题和最近文件</translation>
    </message>
    <message>
        <source>Chinese needs a font</source>
        <translation>中文需要字体</translation>
    </message>
    <message>
        <source>Device: unknown (PyTorch failed to load)</source>
        <translation>设备：未知（PyTorch 加载失败）</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source>Device: CPU ({threads} training thread of {cores} core)</source>
        <translation>设备：CPU（{cores} 个核心中的 {threads} 个训练线程）</translation>
    </message>
    <message>
        <source>Device: CPU ({threads} training thread of {cores} cores)</source>
        <translation>设备：CPU（{cores} 个核心中的 {threads} 个训练线程）</translation>
    </message>
    <message>
        <source>Device: CPU ({threads} training threads of {cores} core)</source>
        <translation>设备：CPU（{cores} 个核心中的 {threads} 个训练线程）</translation>
    </message>
    <message>
        <source>Device: CPU ({threads} training threads of {cores} cores)</source>
        <translation>设备：CPU（{cores} 个核心中的 {threads} 个训练线程）</translation>
    </message>
    <message>
        <source>Untitled workspace</source>
        <translation>未命名工作区</translation>
    </message>
    <message>
        <source>this untitled workspace</source>
        <translation>这个未命名工作区</translation>
    </message>
    <message>
        <source>{recipe}: press Start to train ({summary})</source>
        <translation>{recipe}：按“开始”训练（{summary}）</translation>
    </message>
    <message>
        <source>Cannot open the recipe</source>
        <translation>无法打开配方</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>{title}: {message}</source>
        <translation>{title}：{message}</translation>
    </message>
    <message>
        <source>Cannot open workspace</source>
        <translation>无法打开工作区</translation>
    </message>
    <message>
        <source>{error}

Nothing was changed.</source>
        <translation>{error}

未做任何更改。</translation>
    </message>
    <message>
        <source>Opened {path}</source>
        <translation>已打开 {path}</translation>
    </message>
    <message>
        <source>{path}: its corpus cannot be opened, so nothing was changed.

{message}</source>
        <translation>{path}：无法打开其语料，因此未做任何更改。

{message}</translation>
    </message>
    <message>
        <source>Opening {name}: reading its corpus…</source>
        <translation>正在打开 {name}：读取其语料…</translation>
    </message>
    <message>
        <source>Save workspace as</source>
        <translation>工作区另存为</translation>
    </message>
    <message>
        <source>Cannot save workspace</source>
        <translation>无法保存工作区</translation>
    </message>
    <message>
        <source>{path}: {error}. Choose another folder.</source>
        <translation>{path}：{error}。请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>workspace {path}</source>
        <translation>工作区 {path}</translation>
    </message>
    <message>
        <source>run {path}</source>
        <translation>运行 {path}</translation>
    </message>
    <message>
        <source>Not reopened (no longer there): {items}</source>
        <translation>未能重新打开（已不存在）：{items}</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>Show lmstudio in the system&apos;s language</source>
        <translation>以系统语言显示 lmstudio</translation>
    </message>
    <message>
        <source>Show lmstudio in {language}</source>
        <translation>以{language}显示 lmstudio</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>lmstudio will be shown in {language} from its next start. Restart now?</source>
        <translation>lmstudio 将从下次启动起以{language}显示。现在重新启动吗？</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>Preferences not saved</source>
        <translation>偏好设置未保存</translation>
    </message>
    <message>
        <source>Preferences cannot be saved</source>
        <translation>无法保存偏好设置</translation>
    </message>
    <message>
        <source>Split — Test: must not be negative: Train and Validation add up to more than 100 %; lower one of them</source>
        <translation>划分 — 测试：不能为负：训练与验证之和超过 100 %；请调低其中之一</translation>
    </message>
    <message>
        <source>Split — Train: must be above 0 %</source>
        <translation>划分 — 训练：必须大于 0 %</translation>
    </message>
    <message>
        <source>must be between 0 and the Learning rate</source>
        <translation>必须介于 0 与学习率之间</translation>
    </message>
    <message>
        <source>Data — Corpus</source>
        <translation>数据 — 语料</translation>
    </message>
    <message>
        <source>Data — Format</source>
        <translation>数据 — 格式</translation>
    </message>
    <message>
        <source>Data — Field</source>
        <translation>数据 — 字段</translation>
    </message>
    <message>
        <source>Data — Column</source>
        <translation>数据 — 列</translation>
    </message>
    <message>
        <source>Data — Files</source>
        <translation>数据 — 文件</translation>
    </message>
    <message>
        <source>Data — Encoding</source>
        <translation>数据 — 编码</translation>
    </message>
    <message>
        <source>Split — Train, Validation and Test</source>
        <translation>划分 — 训练、验证和测试</translation>
    </message>
    <message>
        <source>Split — Random lines or Contiguous blocks</source>
        <translation>划分 — 随机行或连续块</translation>
    </message>
    <message>
        <source>Split — Lines per block</source>
        <translation>划分 — 每块行数</translation>
    </message>
    <message>
        <source>Split — Seed</source>
        <translation>划分 — 种子</translation>
    </message>
    <message>
        <source>Cleaning — Stop words</source>
        <translation>清洗 — 停用词</translation>
    </message>
    <message>
        <source>Cleaning — Line length from</source>
        <translation>清洗 — 行长度从</translation>
    </message>
    <message>
        <source>Cleaning — Line length to</source>
        <translation>清洗 — 行长度到</translation>
    </message>
    <message>
        <source>Vocabulary — Kind</source>
        <translation>词表 — 类型</translation>
    </message>
    <message>
        <source>Vocabulary — Vocabulary size</source>
        <translation>词表 — 词表大小</translation>
    </message>
    <message>
        <source>Vocabulary — Min. word frequency</source>
        <translation>词表 — 最低词频</translation>
    </message>
    <message>
        <source>Vocabulary — Character coverage</source>
        <translation>词表 — 字符覆盖率</translation>
    </message>
    <message>
        <source>Vocabulary — Byte fallback</source>
        <translation>词表 — 字节回退</translation>
    </message>
    <message>
        <source>Model — Architecture</source>
        <translation>模型 — 架构</translation>
    </message>
    <message>
        <source>Model — Vocabulary</source>
        <translation>模型 — 词表</translation>
    </message>
    <message>
        <source>Model — {label}</source>
        <translation>模型 — {label}</translation>
    </message>
    <message>
        <source>Train — {label}</source>
        <translation>训练 — {label}</translation>
    </message>
    <message>
        <source>from the trained vocabulary</source>
        <translation>取自已训练的词表</translation>
    </message>
    <message>
        <source>estimated: distinct characters of the corpus</source>
        <translation>估计值：语料中不同字符的数量</translation>
    </message>
    <message>
        <source>estimated (no corpus statistics yet)</source>
        <translation>估计值（尚无语料统计）</translation>
    </message>
    <message>
        <source>estimated: the tokenizer&apos;s target size</source>
        <translation>估计值：分词器的目标大小</translation>
    </message>
    <message>
        <source>model: {error}</source>
        <translation>模型：{error}</translation>
    </message>
    <message>
        <source>Block size {block} is larger than the validation split (about {tokens} tokens): lower the block size or use a larger corpus.</source>
        <translation>块大小 {block} 大于验证集（约 {tokens} 个词元）：请减小块大小或使用更大的语料。</translation>
    </message>
    <message>
        <source>Recurrent networks backpropagate through every step of the block: long blocks train slowly.</source>
        <translation>循环网络要在块的每一步上反向传播：长块训练很慢。</translation>
    </message>
    <message>
        <source>Apple MPS (shared memory)</source>
        <translation>Apple MPS（共享内存）</translation>
    </message>
    <message>
        <source>system RAM</source>
        <translation>系统内存</translation>
    </message>
    <message>
        <source>the GPU ({name})</source>
        <translation>GPU（{name}）</translation>
    </message>
    <message>
        <source>fits: {needed} of {available} of {where} ({precision})</source>
        <translation>可容纳：需要 {needed}，{where}有 {available}（{precision}）</translation>
    </message>
    <message>
        <source>lower the batch size (Train tab), the block size, the width or the layers, or set the precision to auto or bf16</source>
        <translation>请减小批大小（“训练”页）、块大小、宽度或层数，或将精度设为 auto 或 bf16</translation>
    </message>
    <message>
        <source>lower the batch size (Train tab), the block size, the width or the layers</source>
        <translation>请减小批大小（“训练”页）、块大小、宽度或层数</translation>
    </message>
    <message>
        <source>may not fit: {needed} needed, {available} of {where} ({precision}; plan on at most {share} of it): {fix}</source>
        <translation>可能无法容纳：需要 {needed}，{where}有 {available}（{precision}；最多按其 {share} 规划）：{fix}</translation>
    </message>
    <message>
        <source>timing a training step</source>
        <translation>正在为训练步计时</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Resume run</source>
        <translation>恢复运行</translation>
    </message>
    <message>
        <source>&lt;b&gt;{run}&lt;/b&gt;: last checkpoint at step {step} of its {steps} steps (finished).</source>
        <translation>&lt;b&gt;{run}&lt;/b&gt;：最后一个检查点位于第 {step} 步，共 {steps} 步（已完成）。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{run}&lt;/b&gt;: last checkpoint at step {step} of its {steps} steps.</source>
        <translation>&lt;b&gt;{run}&lt;/b&gt;：最后一个检查点位于第 {step} 步，共 {steps} 步。</translation>
    </message>
    <message>
        <source>Train to this step. The run&apos;s own step count continues its schedule; another number stretches the schedule (warmup, decay) over the new length</source>
        <translation>训练到这一步。使用运行原有的步数则沿用其调度；其他数值会将调度（预热、衰减）拉伸到新的长度</translation>
    </message>
    <message>
        <source>The learning-rate schedule the resumed run follows, and the learning rate of its next step</source>
        <translation>恢复后的运行所遵循的学习率调度，以及其下一步的学习率</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue training from the last checkpoint with this schedule</source>
        <translation>按此调度从最后一个检查点继续训练</translation>
    </message>
    <message>
        <source>Do not resume</source>
        <translation>不恢复</translation>
    </message>
    <message>
        <source>Continue to</source>
        <translation>继续到</translation>
    </message>
    <message>
        <source>Continues the run&apos;s own schedule of {run_steps} steps: learning rate {lr} on resuming at step {step}.</source>
        <translation>沿用运行原有的 {run_steps} 步调度：在第 {step} 步恢复时学习率为 {lr}。</translation>
    </message>
    <message>
        <source>Extends the run to {steps} steps, a new schedule: the learning rate on resuming at step {step} changes from {lr_run} (its {run_steps}-step schedule) to {lr_new} ({steps}-step schedule).</source>
        <translation>将运行延长到 {steps} 步，采用新的调度：在第 {step} 步恢复时，学习率从 {lr_run}（原 {run_steps} 步调度）变为 {lr_new}（{steps} 步调度）。</translation>
    </message>
    <message>
        <source>no corpus</source>
        <translation>无语料</translation>
    </message>
    <message>
        <source>{path}: cannot read ({reason})</source>
        <translation>{path}：无法读取（{reason}）</translation>
    </message>
    <message>
        <source>{path}: {size} bytes is far too large for a workspace file; choose an lmstudio workspace .json</source>
        <translation>{path}：{size} 字节，作为工作区文件过大；请选择 lmstudio 工作区 .json 文件</translation>
    </message>
    <message>
        <source>{path}: not a valid lmstudio workspace ({error}); fix the value or save the workspace again</source>
        <translation>{path}：不是有效的 lmstudio 工作区（{error}）；请修正该值或重新保存工作区</translation>
    </message>
    <message>
        <source>{file}: lmstudio cannot write its preferences there (the file or its folder is read-only or not a file). The window size, theme and recent files will not be remembered; everything else works. Make that folder writable to keep them.</source>
        <translation>{file}：lmstudio 无法在此写入偏好设置（该文件或其文件夹是只读的，或不是文件）。窗口大小、主题和最近文件将不会被记住；其他一切正常。若要保留它们，请让该文件夹可写。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation>稀疏度</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Fine-tune steps</source>
        <translation>微调步数</translation>
    </message>
    <message>
        <source>Global</source>
        <translation>全局</translation>
    </message>
    <message>
        <source>Linear (and LSTM/GRU) weights stored as int8 with a scale per row; activations quantized on the fly (CPU). About a quarter of the size</source>
        <translation>线性层（及 LSTM/GRU）权重以 int8 存储，每行一个缩放因子；激活在运行时动态量化（CPU）。大小约为原来的四分之一</translation>
    </message>
    <message>
        <source>Weight-only int8 through torchao</source>
        <translation>通过 torchao 进行仅权重 int8 量化</translation>
    </message>
    <message>
        <source>Weight-only int4 through torchao</source>
        <translation>通过 torchao 进行仅权重 int4 量化</translation>
    </message>
    <message>
        <source>Zero the weights of smallest magnitude, the chosen share of each matrix (or of all together)</source>
        <translation>将绝对值最小的权重置零：每个矩阵（或所有矩阵合在一起）中所选比例的权重</translation>
    </message>
    <message>
        <source>Remove whole attention heads (Transformer), the weakest by the L1 norm of their weights</source>
        <translation>移除整个注意力头（Transformer），按权重的 L1 范数移除最弱的</translation>
    </message>
    <message>
        <source>Remove MLP hidden channels (Transformer), the weakest by the L1 norm of their weights</source>
        <translation>移除 MLP 隐藏通道（Transformer），按权重的 L1 范数移除最弱的</translation>
    </message>
    <message>
        <source>Quantize: dynamic int8</source>
        <translation>量化：动态 int8</translation>
    </message>
    <message>
        <source>Quantize: weight-only int8</source>
        <translation>量化：仅权重 int8</translation>
    </message>
    <message>
        <source>Quantize: weight-only int4</source>
        <translation>量化：仅权重 int4</translation>
    </message>
    <message>
        <source>Prune: L1 unstructured</source>
        <translation>剪枝：L1 非结构化</translation>
    </message>
    <message>
        <source>Prune: attention heads</source>
        <translation>剪枝：注意力头</translation>
    </message>
    <message>
        <source>Prune: MLP channels</source>
        <translation>剪枝：MLP 通道</translation>
    </message>
    <message>
        <source>before</source>
        <translation>压缩前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>压缩后</translation>
    </message>
    <message>
        <source>Before / after</source>
        <translation>压缩前 / 压缩后</translation>
    </message>
    <message>
        <source>The figures of the original and the compressed model, measured on this machine</source>
        <translation>原始模型与压缩模型的各项指标，在本机上实测</translation>
    </message>
    <message>
        <source>Compressed checkpoints</source>
        <translation>压缩检查点</translation>
    </message>
    <message>
        <source>Every compressed checkpoint of this run; the Playground, `lmstudio sample` and `eval` open them</source>
        <translation>此运行的所有压缩检查点；演练场、`lmstudio sample` 和 `eval` 都可以打开它们</translation>
    </message>
    <message>
        <source>No run chosen</source>
        <translation>未选择运行</translation>
    </message>
    <message>
        <source>The run folder whose checkpoint is compressed</source>
        <translation>要压缩其检查点的运行文件夹</translation>
    </message>
    <message>
        <source>Use current run</source>
        <translation>使用当前运行</translation>
    </message>
    <message>
        <source>Compress the run the Train tab trained last</source>
        <translation>压缩训练页最近训练的运行</translation>
    </message>
    <message>
        <source>Open run folder…</source>
        <translation>打开运行文件夹…</translation>
    </message>
    <message>
        <source>Compress any run folder written by the Train tab or `lmstudio train --out`</source>
        <translation>压缩由训练页或 `lmstudio train --out` 写出的任意运行文件夹</translation>
    </message>
    <message>
        <source>Which trained weights to compress: the best validation loss, the last step, or an earlier step</source>
        <translation>要压缩哪份训练好的权重：验证集损失最低的、最后一步的，或更早某一步的</translation>
    </message>
    <message>
        <source>Architecture and size of the run</source>
        <translation>运行的架构和规模</translation>
    </message>
    <message>
        <source>Quantize the weights to int8, or prune (zero) a share of them</source>
        <translation>将权重量化为 int8，或剪枝（置零）其中一部分</translation>
    </message>
    <message>
        <source>Methods this platform&apos;s torch does not offer, and why</source>
        <translation>此平台的 torch 不支持的方法及原因</translation>
    </message>
    <message>
        <source>The share of weights (L1), heads or MLP channels to remove, 0 to 95 %. Structured pruning keeps at least one head or channel per layer</source>
        <translation>要移除的权重（L1）、注意力头或 MLP 通道的比例，0 到 95 %。结构化剪枝每层至少保留一个注意力头或通道</translation>
    </message>
    <message>
        <source>Per layer</source>
        <translation>逐层</translation>
    </message>
    <message>
        <source>Remove the same share from every layer</source>
        <translation>每层移除相同比例</translation>
    </message>
    <message>
        <source>Rank the weights (or heads, channels) of all layers together: some layers lose more than others</source>
        <translation>将所有层的权重（或注意力头、通道）放在一起排序：有些层会比其他层移除得更多</translation>
    </message>
    <message>
        <source>Recovery fine-tune after pruning: this many training steps on the run&apos;s corpus, the pruned weights kept at zero (0 = none)</source>
        <translation>剪枝后的恢复微调：在该运行的语料上训练这么多步，被剪掉的权重保持为零（0 = 不微调）</translation>
    </message>
    <message>
        <source>The new checkpoint&apos;s name (checkpoints/NAME/ of the run); empty = named after the method. An existing checkpoint is never replaced</source>
        <translation>新检查点的名称（运行中的 checkpoints/NAME/）；留空则以方法命名。不会覆盖已有的检查点</translation>
    </message>
    <message>
        <source>The prompt both models continue with the same seed (\n for a newline)</source>
        <translation>两个模型用同一随机种子续写的提示词（\n 表示换行）</translation>
    </message>
    <message>
        <source>How many tokens each model generates, timed for the tokens/s figure</source>
        <translation>每个模型生成的词元数，计时用于得出 词元/秒 指标</translation>
    </message>
    <message>
        <source>Compress the checkpoint into a new checkpoint of the run and measure both; the original is untouched</source>
        <translation>将检查点压缩为该运行的一个新检查点并测量两者；原检查点保持不变</translation>
    </message>
    <message>
        <source>the compression</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>What the compression does, stage by stage</source>
        <translation>压缩过程的各个阶段</translation>
    </message>
    <message>
        <source>What the compression did, stage by stage, and its notes</source>
        <translation>压缩的各个阶段及其说明</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>Per layer or global ranking</source>
        <translation>逐层排序或全局排序</translation>
    </message>
    <message>
        <source>Compress a checkpoint to see the figures before and after</source>
        <translation>压缩一个检查点，即可查看压缩前后的各项指标</translation>
    </message>
    <message>
        <source>Which checkpoint became which</source>
        <translation>哪个检查点压缩成了哪个</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Measured, not estimated: size of the weights file, stored parameters and non-zeros, validation loss, perplexity and bits per character, generation speed and peak memory on this machine</source>
        <translation>实测而非估算：权重文件大小、存储的参数数与非零数、验证集损失、困惑度和每字符比特数，以及本机上的生成速度和峰值内存</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <source>The weights file before and after</source>
        <translation>压缩前后的权重文件</translation>
    </message>
    <message>
        <source>Validation perplexity</source>
        <translation>验证集困惑度</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Perplexity on the run&apos;s validation split before and after</source>
        <translation>压缩前后在该运行验证集上的困惑度</translation>
    </message>
    <message>
        <source>What the original model writes for the prompt</source>
        <translation>原始模型对该提示词的输出</translation>
    </message>
    <message>
        <source>What the compressed model writes for the same prompt and seed</source>
        <translation>压缩模型在相同提示词和随机种子下的输出</translation>
    </message>
    <message>
        <source>What the compression left out or did differently, and why</source>
        <translation>压缩省略了什么或做法有何不同，以及原因</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>The run&apos;s compressed checkpoints (checkpoints/NAME/). Choose one to see the figures measured when it was made; load it in the Playground&apos;s checkpoint list</source>
        <translation>该运行的压缩检查点（checkpoints/NAME/）。选择一个即可查看生成时测得的指标；可在演练场的检查点列表中加载它</translation>
    </message>
    <message>
        <source>Where the compressed checkpoints are</source>
        <translation>压缩检查点所在位置</translation>
    </message>
    <message>
        <source>{tip}: not available here: {reason}</source>
        <translation>{tip}：此处不可用：{reason}</translation>
    </message>
    <message>
        <source>Not available: {methods}</source>
        <translation>不可用：{methods}</translation>
    </message>
    <message>
        <source>No run trained yet: train one on the Train tab, or open a run folder.</source>
        <translation>尚未训练任何运行：请在训练页训练一个，或打开一个运行文件夹。</translation>
    </message>
    <message>
        <source>Open run folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>reading the run…</source>
        <translation>正在读取运行…</translation>
    </message>
    <message>
        <source>Run: {folder}</source>
        <translation>运行：{folder}</translation>
    </message>
    <message>
        <source>step {step}, val loss {loss}</source>
        <translation>第 {step} 步，验证损失 {loss}</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>translation run (encoder-decoder)</source>
        <translation>翻译运行（编码器-解码器）</translation>
    </message>
    <message>
        <source>no checkpoint saved yet</source>
        <translation>尚未保存检查点</translation>
    </message>
    <message>
        <source>{n} compressed checkpoint in {folder}</source>
        <translation>{folder} 中有 {n} 个压缩检查点</translation>
    </message>
    <message>
        <source>{n} compressed checkpoints in {folder}</source>
        <translation>{folder} 中有 {n} 个压缩检查点</translation>
    </message>
    <message>
        <source>No compressed checkpoint in this run yet</source>
        <translation>此运行还没有压缩检查点</translation>
    </message>
    <message>
        <source>{source} → {name}: {what} (figures measured when it was made)</source>
        <translation>{source} → {name}：{what}（生成时测得的指标）</translation>
    </message>
    <message>
        <source>Before ({checkpoint})</source>
        <translation>压缩前（{checkpoint}）</translation>
    </message>
    <message>
        <source>After ({checkpoint})</source>
        <translation>压缩后（{checkpoint}）</translation>
    </message>
    <message>
        <source>Generations are not stored with a checkpoint; compress again (with another name) to see them.</source>
        <translation>生成的文本不随检查点保存；要查看它们，请（以另一个名称）再压缩一次。</translation>
    </message>
    <message>
        <source>No run chosen: press Use current run (after training one on the Train tab) or Open run folder…</source>
        <translation>未选择运行：请点击“使用当前运行”（需先在训练页训练一个），或“打开运行文件夹…”</translation>
    </message>
    <message>
        <source>{method}: not available on this platform</source>
        <translation>{method}：此平台上不可用</translation>
    </message>
    <message>
        <source>Compressing {run} ({method})…</source>
        <translation>正在压缩 {run}（{method}）…</translation>
    </message>
    <message>
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>注：{note}</translation>
    </message>
    <message>
        <source>saved {folder}</source>
        <translation>已保存 {folder}</translation>
    </message>
    <message>
        <source>failed: nothing was written</source>
        <translation>失败：未写入任何内容</translation>
    </message>
    <message>
        <source>cancelled: nothing was written</source>
        <translation>已取消：未写入任何内容</translation>
    </message>
    <message>
        <source>bits/char: {note}</source>
        <translation>每字符比特数：{note}</translation>
    </message>
    <message>
        <source>better</source>
        <translation>更好</translation>
    </message>
    <message>
        <source>worse</source>
        <translation>更差</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>字符数</translation>
    </message>
    <message>
        <source>Characters after cleaning, one newline per line included</source>
        <translation>清洗后的字符数，每行含一个换行符</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Lines after cleaning</source>
        <translation>清洗后的行数</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词数</translation>
    </message>
    <message>
        <source>Whitespace-separated words</source>
        <translation>以空白分隔的词</translation>
    </message>
    <message>
        <source>Distinct characters</source>
        <translation>不同字符数</translation>
    </message>
    <message>
        <source>How many different characters occur: the size of a character vocabulary</source>
        <translation>出现了多少种不同的字符：即字符级词表的大小</translation>
    </message>
    <message>
        <source>Mean line length</source>
        <translation>平均行长</translation>
    </message>
    <message>
        <source>Average characters per line (newline excluded)</source>
        <translation>每行平均字符数（不含换行符）</translation>
    </message>
    <message>
        <source>Longest line</source>
        <translation>最长行</translation>
    </message>
    <message>
        <source>Characters in the longest line</source>
        <translation>最长一行的字符数</translation>
    </message>
    <message>
        <source>Empty lines</source>
        <translation>空行</translation>
    </message>
    <message>
        <source>Lines that are empty or only whitespace</source>
        <translation>为空或只含空白的行</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Counted over the whole corpus after cleaning, on a background thread</source>
        <translation>在后台线程中对清洗后的整个语料计数</translation>
    </message>
    <message>
        <source>The most frequent characters (· is a space, ↵ a newline) with their counts</source>
        <translation>最常见的字符（· 表示空格，↵ 表示换行）及其次数</translation>
    </message>
    <message>
        <source>Shown when at least 30% of the corpus&apos;s characters are Chinese characters or Japanese kana</source>
        <translation>当语料中至少 30% 的字符是汉字或日文假名时显示</translation>
    </message>
    <message>
        <source>The most frequent words, lower-cased, with their counts</source>
        <translation>最常见的词（转为小写）及其次数</translation>
    </message>
    <message>
        <source>Line lengths</source>
        <translation>行长度</translation>
    </message>
    <message>
        <source>characters per line</source>
        <translation>每行字符数</translation>
    </message>
    <message>
        <source>lines</source>
        <translation>行</translation>
    </message>
    <message>
        <source>How many lines have each length: long tails suggest cleaning or a max length</source>
        <translation>各长度的行数：长尾表明需要清洗或设置最大长度</translation>
    </message>
    <message>
        <source>Top characters: computing…</source>
        <translation>高频字符：计算中…</translation>
    </message>
    <message>
        <source>Top words: computing…</source>
        <translation>高频词：计算中…</translation>
    </message>
    <message>
        <source>{n} characters ({size} as UTF-8)</source>
        <translation>{n} 个字符（UTF-8 下 {size}）</translation>
    </message>
    <message>
        <source>{n} lines</source>
        <translation>{n} 行</translation>
    </message>
    <message>
        <source>&lt;b&gt;Top characters:&lt;/b&gt; {chars}</source>
        <translation>&lt;b&gt;高频字符：&lt;/b&gt;{chars}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Top words:&lt;/b&gt; {words}</source>
        <translation>&lt;b&gt;高频词：&lt;/b&gt;{words}</translation>
    </message>
    <message>
        <source>each CJK character counted as one word (no segmenter is set: Words ▸ Chinese words (jieba))</source>
        <translation>每个中日韩字符算作一个词（未设置分词器：词 ▸ 中文词（jieba））</translation>
    </message>
    <message>
        <source>whitespace-separated words</source>
        <translation>以空白分隔的词</translation>
    </message>
    <message>
        <source>words as the {segmenter} segmenter cuts them</source>
        <translation>按 {segmenter} 分词器切分的词</translation>
    </message>
    <message>
        <source>Words: {rule}</source>
        <translation>词：{rule}</translation>
    </message>
    <message>
        <source>Chinese or Japanese text ({share} CJK characters). Words: {rule}. A character vocabulary suits it ({n} distinct characters; 5,000 or more is usual for Chinese); for a word vocabulary choose Words ▸ Chinese words (jieba).</source>
        <translation>中文或日文文本（{share} 为中日韩字符）。词：{rule}。适合用字符词表（{n} 个不同字符；中文通常有 5,000 个以上）；若要词级词表，请选择 词 ▸ 中文词（jieba）。</translation>
    </message>
    <message>
        <source>Cleaning</source>
        <translation>清洗</translation>
    </message>
    <message>
        <source>Applied line by line before statistics, splits and tokenizers</source>
        <translation>在统计、划分和分词器之前逐行应用</translation>
    </message>
    <message>
        <source>Unicode NFKC</source>
        <translation>Unicode NFKC</translation>
    </message>
    <message>
        <source>Lower-case</source>
        <translation>转为小写</translation>
    </message>
    <message>
        <source>Collapse spaces</source>
        <translation>合并空白</translation>
    </message>
    <message>
        <source>Strip control chars</source>
        <translation>去除控制字符</translation>
    </message>
    <message>
        <source>Drop duplicates</source>
        <translation>去除重复行</translation>
    </message>
    <message>
        <source>Keep stop words</source>
        <translation>保留停用词</translation>
    </message>
    <message>
        <source>Remove English stop words</source>
        <translation>去除英语停用词</translation>
    </message>
    <message>
        <source>Remove Spanish stop words</source>
        <translation>去除西班牙语停用词</translation>
    </message>
    <message>
        <source>Remove Chinese stop words</source>
        <translation>删除中文停用词</translation>
    </message>
    <message>
        <source>Words between spaces</source>
        <translation>以空格分词</translation>
    </message>
    <message>
        <source>Chinese words (jieba)</source>
        <translation>中文词（jieba）</translation>
    </message>
    <message>
        <source>Each CJK character a word</source>
        <translation>每个中日韩字符算一个词</translation>
    </message>
    <message>
        <source>jieba&apos;s own dictionary</source>
        <translation>jieba 自带词典</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a jieba user dictionary: one word a line, optionally a frequency</source>
        <translation>选择 jieba 用户词典：每行一个词，可附词频</translation>
    </message>
    <message>
        <source>User dictionary</source>
        <translation>用户词典</translation>
    </message>
    <message>
        <source>Line length from</source>
        <translation>行长度从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Sample lines of the corpus before and after cleaning; struck-out lines are dropped</source>
        <translation>语料样本行清洗前后的对比；划掉的行将被丢弃</translation>
    </message>
    <message>
        <source>Choose a jieba user dictionary</source>
        <translation>选择 jieba 用户词典</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Preview unavailable: {error}</source>
        <translation>无法预览：{error}</translation>
    </message>
    <message>
        <source>(dropped)</source>
        <translation>（已丢弃）</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>How the cleaned lines are divided for training, validation and the final test</source>
        <translation>清洗后的行如何分给训练、验证和最终测试</translation>
    </message>
    <message>
        <source>Share of lines the model learns from</source>
        <translation>模型用来学习的行所占比例</translation>
    </message>
    <message>
        <source>Share of lines held out to measure progress during training (validation loss)</source>
        <translation>留出用于在训练中衡量进展（验证损失）的行所占比例</translation>
    </message>
    <message>
        <source>The remainder: held out for a final, untouched measurement</source>
        <translation>其余部分：留作最终的、从未接触过的评估</translation>
    </message>
    <message>
        <source>Random lines</source>
        <translation>随机行</translation>
    </message>
    <message>
        <source>Contiguous blocks</source>
        <translation>连续块</translation>
    </message>
    <message>
        <source>Sizes estimated from the statistics; exact sizes are known once the splits are written</source>
        <translation>根据统计信息估算的大小；写出划分后才知道确切大小</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Lines per block</source>
        <translation>每块行数</translation>
    </message>
    <message>
        <source>Sizes: once there are pairs (a target file, source and target columns, or a toy task)</source>
        <translation>大小：有句对后显示（目标文件、源列和目标列，或玩具任务）</translation>
    </message>
    <message>
        <source>Sizes: waiting for the statistics…</source>
        <translation>大小：等待统计信息…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{split}&lt;/b&gt; ≈ {lines} lines, {chars} chars</source>
        <translation>&lt;b&gt;{split}&lt;/b&gt; ≈ {lines} 行，{chars} 字符</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>val</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>Source → target (translation)</source>
        <translation>源 → 目标（翻译）</translation>
    </message>
    <message>
        <source>No toy task</source>
        <translation>无玩具任务</translation>
    </message>
    <message>
        <source>Reverse a string</source>
        <translation>反转字符串</translation>
    </message>
    <message>
        <source>Sort its characters</source>
        <translation>字符排序</translation>
    </message>
    <message>
        <source>Copy it</source>
        <translation>原样复制</translation>
    </message>
    <message>
        <source>Normalise dates</source>
        <translation>日期规范化</translation>
    </message>
    <message>
        <source>string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>reversed</source>
        <translation>反转结果</translation>
    </message>
    <message>
        <source>sorted</source>
        <translation>排序结果</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>副本</translation>
    </message>
    <message>
        <source>date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>ISO 8601 date</source>
        <translation>ISO 8601 日期</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>source</source>
        <translation>源</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>column {number}</source>
        <translation>第 {number} 列</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>任务：</translation>
    </message>
    <message>
        <source>This corpus holds pairs: choose Source → target to train a translator on them</source>
        <translation>此语料包含句对：选择“源 → 目标”即可用它训练翻译模型</translation>
    </message>
    <message>
        <source> pairs</source>
        <translation> 对</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>源：</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>目标：</translation>
    </message>
    <message>
        <source>no target file</source>
        <translation>无目标文件</translation>
    </message>
    <message>
        <source>Two-file parallel corpus: the target-language file, line-aligned with the corpus (the source); line n of one translates line n of the other</source>
        <translation>双文件平行语料：目标语言文件，与语料（源）逐行对齐；一个文件的第 n 行是另一个文件第 n 行的翻译</translation>
    </message>
    <message>
        <source>Target file…</source>
        <translation>目标文件…</translation>
    </message>
    <message>
        <source>Forget the target file: read the corpus as plain text again</source>
        <translation>取消目标文件：重新把语料作为纯文本读取</translation>
    </message>
    <message>
        <source>Swap sides</source>
        <translation>交换两侧</translation>
    </message>
    <message>
        <source>The direction the model learns: from the left side to the right side</source>
        <translation>模型学习的方向：从左侧到右侧</translation>
    </message>
    <message>
        <source>This corpus holds pairs: choose Source → target to train a translator</source>
        <translation>此语料包含句对：选择“源 → 目标”即可训练翻译模型</translation>
    </message>
    <message>
        <source>The direction the model learns: from {source} (read) to {target} (written)</source>
        <translation>模型学习的方向：从 {source}（读入）到 {target}（写出）</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>源</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>The first {n} pairs as the model will see them: after cleaning, in the chosen direction (the left side is read, the right side is written)</source>
        <translation>模型将看到的前 {n} 个句对：已清洗，按所选方向（读入左侧，写出右侧）</translation>
    </message>
    <message>
        <source>Showing the first {shown} of {kept} pairs after cleaning.</source>
        <translation>显示清洗后 {kept} 个句对中的前 {shown} 个。</translation>
    </message>
    <message>
        <source>{n} outside the line length limits</source>
        <translation>{n} 个超出行长度限制</translation>
    </message>
    <message>
        <source>{n} a side empty</source>
        <translation>{n} 个有一侧为空</translation>
    </message>
    <message>
        <source>{n} duplicates</source>
        <translation>{n} 个重复</translation>
    </message>
    <message>
        <source>Counted over the pairs after cleaning, in the chosen direction, on a background thread</source>
        <translation>在后台线程中按所选方向对清洗后的句对计数</translation>
    </message>
    <message>
        <source>Pair statistics</source>
        <translation>句对统计</translation>
    </message>
    <message>
        <source>Pairs</source>
        <translation>句对</translation>
    </message>
    <message>
        <source>Pairs kept after cleaning: what training splits into train, validation and test</source>
        <translation>清洗后保留的句对：训练时会划分为训练集、验证集和测试集</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>已丢弃</translation>
    </message>
    <message>
        <source>Pairs the cleaning left out (either side dropped or empty, or a duplicate pair)</source>
        <translation>清洗时剔除的句对（任一侧被丢弃或为空，或是重复句对）</translation>
    </message>
    <message>
        <source>Source mean length</source>
        <translation>源平均长度</translation>
    </message>
    <message>
        <source>Average characters per source sentence</source>
        <translation>每个源句子的平均字符数</translation>
    </message>
    <message>
        <source>Longest source</source>
        <translation>最长源句</translation>
    </message>
    <message>
        <source>Characters in the longest source sentence</source>
        <translation>最长源句子的字符数</translation>
    </message>
    <message>
        <source>Target mean length</source>
        <translation>目标平均长度</translation>
    </message>
    <message>
        <source>Average characters per target sentence</source>
        <translation>每个目标句子的平均字符数</translation>
    </message>
    <message>
        <source>Longest target</source>
        <translation>最长目标句</translation>
    </message>
    <message>
        <source>Characters in the longest target sentence</source>
        <translation>最长目标句子的字符数</translation>
    </message>
    <message>
        <source>Words per pair</source>
        <translation>每对词数</translation>
    </message>
    <message>
        <source>Average whitespace-separated words: source → target</source>
        <translation>以空白分隔的平均词数：源 → 目标</translation>
    </message>
    <message>
        <source>Median length ratio</source>
        <translation>长度比中位数</translation>
    </message>
    <message>
        <source>Median of target characters / source characters</source>
        <translation>目标字符数 / 源字符数 的中位数</translation>
    </message>
    <message>
        <source>Why pairs were dropped by the cleaning options (below), by reason</source>
        <translation>清洗选项（见下方）丢弃句对的原因，按原因分列</translation>
    </message>
    <message>
        <source>Length ratio (target / source)</source>
        <translation>长度比（目标 / 源）</translation>
    </message>
    <message>
        <source>target characters ÷ source characters</source>
        <translation>目标字符数 ÷ 源字符数</translation>
    </message>
    <message>
        <source>pairs</source>
        <translation>对</translation>
    </message>
    <message>
        <source>How many pairs have each ratio of target to source length: pairs far from the bulk are often misaligned or not translations</source>
        <translation>各目标/源长度比的句对数：远离主体的句对往往未对齐或并非译文</translation>
    </message>
    <message>
        <source>{n} pairs kept after cleaning</source>
        <translation>清洗后保留 {n} 个句对</translation>
    </message>
    <message>
        <source>&lt;b&gt;Dropped by cleaning:&lt;/b&gt; {detail}</source>
        <translation>&lt;b&gt;清洗丢弃：&lt;/b&gt;{detail}</translation>
    </message>
    <message>
        <source>No pair dropped by cleaning.</source>
        <translation>清洗未丢弃任何句对。</translation>
    </message>
    <message>
        <source>; lengths of the first {n} pairs</source>
        <translation>；长度取自前 {n} 个句对</translation>
    </message>
    <message>
        <source>Text corpora (*.txt *.text *.md *.jsonl *.ndjson *.csv *.tsv *.tab);;All files (*)</source>
        <translation>文本语料 (*.txt *.text *.md *.jsonl *.ndjson *.csv *.tsv *.tab);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Text files (*.txt *.text *.de *.en *.es *.fr *.it *.pt *.cs);;All files (*)</source>
        <translation>文本文件 (*.txt *.text *.de *.en *.es *.fr *.it *.pt *.cs);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Statistics failed: {message}</source>
        <translation>统计失败：{message}</translation>
    </message>
    <message>
        <source>Pairs could not be read: {message}</source>
        <translation>无法读取句对：{message}</translation>
    </message>
    <message>
        <source>{message}

{failed} was not kept; the corpus loaded before ({current}) is loaded again.</source>
        <translation>{message}

未保留 {failed}；已重新加载之前的语料（{current}）。</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Open a text, .jsonl, .csv or .tsv file (Ctrl+Shift+O); you can also drop a file on this tab</source>
        <translation>打开文本、.jsonl、.csv 或 .tsv 文件（Ctrl+Shift+O）；也可以把文件拖放到此标签页</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Read every text file in a folder (recursively) as one corpus</source>
        <translation>把文件夹中的所有文本文件（递归）作为一份语料读取</translation>
    </message>
    <message>
        <source>Folders: which files to read, as glob patterns separated by ; (for example *.txt;*.md). Press Enter to re-read the open folder with them.</source>
        <translation>文件夹：要读取哪些文件，用 ; 分隔的 glob 模式（例如 *.txt;*.md）。按 Enter 以此重新读取已打开的文件夹。</translation>
    </message>
    <message>
        <source>files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Bundled corpora…</source>
        <translation>内置语料…</translation>
    </message>
    <message>
        <source>Corpora that come with lmstudio, ready to use</source>
        <translation>lmstudio 自带的语料，开箱即用</translation>
    </message>
    <message>
        <source>Which field or column of each record holds the text</source>
        <translation>每条记录中存放文本的字段或列</translation>
    </message>
    <message>
        <source>The corpus file, its format, the detected text encoding and its size on disk</source>
        <translation>语料文件、其格式、检测到的文本编码及其磁盘大小</translation>
    </message>
    <message>
        <source>computing the statistics</source>
        <translation>计算统计信息</translation>
    </message>
    <message>
        <source>opening the corpus</source>
        <translation>打开语料</translation>
    </message>
    <message>
        <source>reading the pairs</source>
        <translation>读取句对</translation>
    </message>
    <message>
        <source>The first {n} characters of the corpus as read (before cleaning)</source>
        <translation>读取到的语料前 {n} 个字符（清洗前）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview&lt;/b&gt;</source>
        <translation>&lt;b&gt;预览&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>The pairs after cleaning, or the corpus&apos;s text as read</source>
        <translation>清洗后的句对，或读取到的语料文本</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康</translation>
    </message>
    <message>
        <source>Statistics of the cleaned corpus, or its data health report</source>
        <translation>清洗后语料的统计，或其数据健康报告</translation>
    </message>
    <message>
        <source>Open a corpus file (Data tab)</source>
        <translation>打开语料文件（数据标签页）</translation>
    </message>
    <message>
        <source>Open corpus</source>
        <translation>打开语料</translation>
    </message>
    <message>
        <source>Open corpus folder</source>
        <translation>打开语料文件夹</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>Cannot open this corpus</source>
        <translation>无法打开此语料</translation>
    </message>
    <message>
        <source>{message}

The corpus loaded before ({current}) is still loaded.</source>
        <translation>{message}

之前加载的语料（{current}）仍保持加载。</translation>
    </message>
    <message>
        <source>Text field:</source>
        <translation>文本字段：</translation>
    </message>
    <message>
        <source>Column:</source>
        <translation>列：</translation>
    </message>
    <message>
        <source>Encoding:</source>
        <translation>编码：</translation>
    </message>
    <message>
        <source>How the corpus&apos;s bytes are read as text. auto: UTF-8 (with or without a byte-order mark) when the file is valid UTF-8, else the likeliest legacy encoding, reported beside this box with its confidence. Choose or type another (cp1252 for Western European Windows files, latin-1, cp1250 for Central European, shift_jis, gb18030, ...) when the preview shows wrong letters; the corpus is then read again.</source>
        <translation>语料的字节如何解读为文本。auto：文件是有效的 UTF-8 时按 UTF-8 读取（带或不带字节顺序标记），否则使用最可能的旧式编码，并在此框旁显示其置信度。若预览中出现乱码，请选择或输入其他编码（西欧 Windows 文件用 cp1252，latin-1，中欧用 cp1250，shift_jis，gb18030 等），语料随即重新读取。</translation>
    </message>
    <message>
        <source>The encoding the corpus was read with, and how sure the detection was</source>
        <translation>读取语料所用的编码，以及检测的把握程度</translation>
    </message>
    <message>
        <source>read as {encoding}</source>
        <translation>按 {encoding} 读取</translation>
    </message>
    <message>
        <source>{n} files in {folder}</source>
        <translation>{folder} 中的 {n} 个文件</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; — {where}&lt;br&gt;Format: {format} · Encoding: {encoding} · {size}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; — {where}&lt;br&gt;格式：{format} · 编码：{encoding} · {size}</translation>
    </message>
    <message>
        <source>Showing the first {n} characters.</source>
        <translation>显示前 {n} 个字符。</translation>
    </message>
    <message>
        <source>Showing the whole corpus.</source>
        <translation>显示整个语料。</translation>
    </message>
    <message>
        <source>Computing statistics…</source>
        <translation>正在计算统计信息…</translation>
    </message>
    <message>
        <source>Cannot read this corpus</source>
        <translation>无法读取此语料</translation>
    </message>
    <message>
        <source>Statistics failed</source>
        <translation>统计失败</translation>
    </message>
    <message>
        <source>Generating the {task} pairs…</source>
        <translation>正在生成 {task} 句对…</translation>
    </message>
    <message>
        <source>Generating {n} {task} pairs…</source>
        <translation>正在生成 {n} 个 {task} 句对…</translation>
    </message>
    <message>
        <source>The source and target columns are both {column}: choose two different columns (or a target file for a two-file corpus)</source>
        <translation>源列和目标列都是 {column}：请选择两个不同的列（双文件语料则选择目标文件）</translation>
    </message>
    <message>
        <source>Target file (line-aligned with the corpus)</source>
        <translation>目标文件（与语料逐行对齐）</translation>
    </message>
    <message>
        <source>Reading the pairs…</source>
        <translation>正在读取句对…</translation>
    </message>
    <message>
        <source>Self-attention over the whole block (GPT-style decoder): the strongest, parallel over tokens</source>
        <translation>对整个块做自注意力（GPT 式解码器）：最强，可在词元间并行</translation>
    </message>
    <message>
        <source>Long short-term memory: gated recurrent network that keeps information over long spans</source>
        <translation>长短期记忆网络：带门控的循环网络，能在长跨度上保留信息</translation>
    </message>
    <message>
        <source>Gated recurrent unit: a lighter LSTM with two gates instead of three</source>
        <translation>门控循环单元：更轻量的 LSTM，只有两个门而不是三个</translation>
    </message>
    <message>
        <source>Plain (Elman, tanh) recurrent network: the simplest baseline; forgets quickly</source>
        <translation>普通（Elman、tanh）循环网络：最简单的基线；遗忘很快</translation>
    </message>
    <message>
        <source>Encoder-decoder Transformer (Vaswani et al. 2017): the encoder&apos;s self-attention over the whole source; each decoder block&apos;s masked self-attention, then cross-attention to the encoder&apos;s memory</source>
        <translation>编码器-解码器 Transformer（Vaswani 等，2017）：编码器对整个源做自注意力；每个解码器块先做掩码自注意力，再对编码器的记忆做交叉注意力</translation>
    </message>
    <message>
        <source>LSTM encoder and LSTM decoder: the encoder&apos;s final states start the decoder; attention (below) lets the decoder look back at every source token</source>
        <translation>LSTM 编码器和 LSTM 解码器：编码器的最终状态作为解码器的初始状态；注意力（见下方）让解码器能回看每个源词元</translation>
    </message>
    <message>
        <source>GRU encoder and GRU decoder: a lighter LSTM; the encoder&apos;s final states start the decoder, attention (below) lets it look back at every source token</source>
        <translation>GRU 编码器和 GRU 解码器：更轻量的 LSTM；编码器的最终状态作为解码器的初始状态，注意力（见下方）让它能回看每个源词元</translation>
    </message>
    <message>
        <source>Plain (tanh) recurrent encoder and decoder: the simplest baseline; forgets long sources quickly</source>
        <translation>普通（tanh）循环编码器和解码器：最简单的基线；对长源文本遗忘很快</translation>
    </message>
    <message>
        <source>Tiny</source>
        <translation>微型</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>小型</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中型</translation>
    </message>
    <message>
        <source>Large</source>
        <translation>大型</translation>
    </message>
    <message>
        <source>Set the shape to the &apos;tiny&apos; preset of this architecture (trains in seconds on a CPU)</source>
        <translation>将结构设为此架构的“微型”预设（在 CPU 上几秒即可训练）</translation>
    </message>
    <message>
        <source>Set the shape to the &apos;small&apos; preset of this architecture (minutes on a CPU)</source>
        <translation>将结构设为此架构的“小型”预设（在 CPU 上需几分钟）</translation>
    </message>
    <message>
        <source>Set the shape to the &apos;medium&apos; preset of this architecture (wants a GPU: about 11-17 M parameters)</source>
        <translation>将结构设为此架构的“中型”预设（需要 GPU：约 11-17 M 参数）</translation>
    </message>
    <message>
        <source>Set the shape to the &apos;large&apos; preset of this architecture (one consumer GPU: about 38-46 M parameters, 2-3 GB to train in bf16)</source>
        <translation>将结构设为此架构的“大型”预设（一块消费级 GPU：约 38-46 M 参数，以 bf16 训练需 2-3 GB）</translation>
    </message>
    <message>
        <source>the size of the Vocabulary tab&apos;s trained vocabulary</source>
        <translation>“词表”页已训练词表的大小</translation>
    </message>
    <message>
        <source>distinct characters of the corpus</source>
        <translation>语料中不同字符的数量</translation>
    </message>
    <message>
        <source>no corpus statistics yet</source>
        <translation>尚无语料统计</translation>
    </message>
    <message>
        <source>the tokenizer&apos;s target size</source>
        <translation>分词器的目标大小</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Bidirectional encoder</source>
        <translation>双向编码器</translation>
    </message>
    <message>
        <source>Share source and target embeddings</source>
        <translation>源和目标共享嵌入</translation>
    </message>
    <message>
        <source>Tokens the model predicts over; from the trained vocabulary, or estimated until one is trained</source>
        <translation>模型预测的词元范围；取自已训练的词表，训练前为估计值</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Trainable weights (a tied embedding counts once)</source>
        <translation>可训练权重（绑定的嵌入只计一次）</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Memory of the weights in fp32 (the master copy, in every precision)</source>
        <translation>fp32 权重占用的内存（主副本，任何精度下都有）</translation>
    </message>
    <message>
        <source>Gradients</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>Memory of the gradients: one per weight</source>
        <translation>梯度占用的内存：每个权重一个</translation>
    </message>
    <message>
        <source>Optimizer state</source>
        <translation>优化器状态</translation>
    </message>
    <message>
        <source>AdamW keeps two moments per weight</source>
        <translation>AdamW 为每个权重保存两个矩</translation>
    </message>
    <message>
        <source>Half-precision copies</source>
        <translation>半精度副本</translation>
    </message>
    <message>
        <source>Under bf16/fp16 autocast (the Train tab&apos;s precision), a 2-byte copy of each weight for the step; none in fp32</source>
        <translation>在 bf16/fp16 自动混合精度下（“训练”页的精度），每步为每个权重保留一份 2 字节副本；fp32 下没有</translation>
    </message>
    <message>
        <source>Activations (approx.)</source>
        <translation>激活值（近似）</translation>
    </message>
    <message>
        <source>Values kept for the backward pass at the Train tab&apos;s batch size: 2 bytes each under bf16/fp16 autocast, else 4 (the logits stay fp32)</source>
        <translation>按“训练”页的批大小为反向传播保留的值：bf16/fp16 自动混合精度下每个 2 字节，否则 4 字节（logits 保持 fp32）</translation>
    </message>
    <message>
        <source>Training memory</source>
        <translation>训练内存</translation>
    </message>
    <message>
        <source>Weights + gradients + optimizer state + half-precision copies + activations</source>
        <translation>权重 + 梯度 + 优化器状态 + 半精度副本 + 激活值</translation>
    </message>
    <message>
        <source>Fits the device</source>
        <translation>设备能否容纳</translation>
    </message>
    <message>
        <source>Training memory against the memory of the Train tab&apos;s device (GPU memory, else system RAM), planning on at most 80% of it; an estimate: allocator overhead and workspaces are not counted</source>
        <translation>训练内存与“训练”页所选设备的内存（GPU 显存，否则为系统内存）对比，最多按其 80% 规划；仅为估计：未计入分配器开销和工作区</translation>
    </message>
    <message>
        <source>FLOPs per token</source>
        <translation>每词元 FLOPs</translation>
    </message>
    <message>
        <source>Training FLOPs (forward + backward) per token: 6 × parameters, plus attention</source>
        <translation>每个词元的训练 FLOPs（前向 + 反向）：6 × 参数量，再加注意力</translation>
    </message>
    <message>
        <source>Measured step</source>
        <translation>实测单步</translation>
    </message>
    <message>
        <source>Time of one full training step (forward, backward, AdamW) on the device, at the Train tab&apos;s batch size</source>
        <translation>按“训练”页的批大小，在设备上完成一个完整训练步（前向、反向、AdamW）的时间</translation>
    </message>
    <message>
        <source>Build the model and time a few real training steps on the Train tab&apos;s device and batch size, with the CPU threads this window runs with (dropout left out: its random masks would disturb a running training)</source>
        <translation>构建模型，并按“训练”页的设备和批大小、以本窗口使用的 CPU 线程数，为几个真实训练步计时（不含 dropout：其随机掩码会干扰正在进行的训练）</translation>
    </message>
    <message>
        <source>Tokens the decoder predicts over, and (one joint tokenizer) the encoder reads; an estimate here: the vocabularies are built when the pairs are prepared for training</source>
        <translation>解码器预测的词元范围，以及（使用联合分词器时）编码器读取的词元；此处为估计值：词表在为训练准备句对时才构建</translation>
    </message>
    <message>
        <source>Trainable weights of the encoder and the decoder (a shared or tied embedding counts once)</source>
        <translation>编码器和解码器的可训练权重（共享或绑定的嵌入只计一次）</translation>
    </message>
    <message>
        <source>Values kept for the backward pass at the Train tab&apos;s batch size, with source and target each block size tokens long (an upper bound: batches are padded to their longest pair): 2 bytes each under bf16/fp16 autocast, else 4 (the logits stay fp32)</source>
        <translation>按“训练”页的批大小为反向传播保留的值，源和目标各按块大小个词元计（上限：每批会填充到其最长的句对）：bf16/fp16 自动混合精度下每个 2 字节，否则 4 字节（logits 保持 fp32）</translation>
    </message>
    <message>
        <source>Training FLOPs (forward + backward) per target token: 6 × parameters (the encoder&apos;s share counted as if the source were as long as the target), plus attention over a block-size source</source>
        <translation>每个目标词元的训练 FLOPs（前向 + 反向）：6 × 参数量（编码器部分按源与目标等长计算），再加对块大小长度的源的注意力</translation>
    </message>
    <message>
        <source>Time five training steps (forward, backward, AdamW) of this encoder-decoder on random sources and targets of block size tokens each at the Train tab&apos;s batch size, on the device it would train on (runs in the background); tokens per second count target tokens</source>
        <translation>在将用于训练的设备上，按“训练”页的批大小，用各含块大小个词元的随机源和目标，为此编码器-解码器的五个训练步（前向、反向、AdamW）计时（在后台运行）；每秒词元数按目标词元计</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Shape of the network; every field has a tooltip with its usual range</source>
        <translation>网络的结构；每个字段的提示中都有其常用范围</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Encoder-decoder</source>
        <translation>编码器-解码器</translation>
    </message>
    <message>
        <source>The Data tab&apos;s task is translate: the architecture above is an encoder (reads the source) and a decoder (writes the target), both of this shape. Teacher forcing is on the Train tab</source>
        <translation>“数据”页的任务是翻译：上面的架构由一个编码器（读取源）和一个解码器（写出目标）组成，两者都是这个结构。教师强制在“训练”页设置</translation>
    </message>
    <message>
        <source>Settings that cannot be trained: training stays disabled until they are fixed</source>
        <translation>无法训练的设置：修正之前训练保持禁用</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>开销</translation>
    </message>
    <message>
        <source>What these settings cost, recomputed as you type</source>
        <translation>这些设置的开销，随输入实时重新计算</translation>
    </message>
    <message>
        <source>Measure step time</source>
        <translation>测量单步时间</translation>
    </message>
    <message>
        <source>Translation: {tip}</source>
        <translation>翻译：{tip}</translation>
    </message>
    <message>
        <source>one joint vocabulary</source>
        <translation>一个联合词表</translation>
    </message>
    <message>
        <source>taken for each side&apos;s own vocabulary</source>
        <translation>按每侧各自的词表计</translation>
    </message>
    <message>
        <source>estimate for translation: {why}; {sides}</source>
        <translation>翻译的估计值：{why}；{sides}</translation>
    </message>
    <message>
        <source>none (fp32)</source>
        <translation>无（fp32）</translation>
    </message>
    <message>
        <source>unknown (the device&apos;s memory cannot be read)</source>
        <translation>未知（无法读取设备内存）</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>正在测量…</translation>
    </message>
    <message>
        <source>{ms} ms ({tokens} tokens/s, {device}, without dropout)</source>
        <translation>{ms} ms（{tokens} 词元/秒，{device}，不含 dropout）</translation>
    </message>
    <message>
        <source>{ms} ms ({tokens} tokens/s, {device})</source>
        <translation>{ms} ms（{tokens} 词元/秒，{device}）</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cannot measure the step time</source>
        <translation>无法测量单步时间</translation>
    </message>
    <message>
        <source>Two checkpoints of this run</source>
        <translation>本运行的两个检查点</translation>
    </message>
    <message>
        <source>Two checkpoints of the loaded run, e.g. an early step against the best</source>
        <translation>已加载运行的两个检查点，例如早期某步对比最佳检查点</translation>
    </message>
    <message>
        <source>Another run</source>
        <translation>另一个运行</translation>
    </message>
    <message>
        <source>A checkpoint of the loaded run against a checkpoint of another run (another architecture or tokenizer: each reads the prompt through its own tokenizer)</source>
        <translation>已加载运行的一个检查点对比另一个运行的检查点（架构或分词器可不同：各自用自己的分词器读取提示词）</translation>
    </message>
    <message>
        <source>Every checkpoint of this run</source>
        <translation>本运行的所有检查点</translation>
    </message>
    <message>
        <source>One column per checkpoint of the loaded run, oldest first: how the writing evolved as training went on</source>
        <translation>已加载运行的每个检查点各占一列，从旧到新：观察随着训练推进生成文本如何演变</translation>
    </message>
    <message>
        <source>Same prompt, settings and seed: differences come from the weights alone.</source>
        <translation>相同的提示词、设置和种子：差异仅来自权重。</translation>
    </message>
    <message>
        <source>What to put side by side</source>
        <translation>要并排比较的内容</translation>
    </message>
    <message>
        <source>First checkpoint (e.g. an early step)</source>
        <translation>第一个检查点（例如早期某步）</translation>
    </message>
    <message>
        <source>Second checkpoint (e.g. the best)</source>
        <translation>第二个检查点（例如最佳检查点）</translation>
    </message>
    <message>
        <source>Choose run…</source>
        <translation>选择运行…</translation>
    </message>
    <message>
        <source>Choose another run folder to compare with (the dialog opens in the runs folder)</source>
        <translation>选择另一个运行文件夹进行对比（对话框在运行目录中打开）</translation>
    </message>
    <message>
        <source>no run chosen</source>
        <translation>未选择运行</translation>
    </message>
    <message>
        <source>The other run: its folder name</source>
        <translation>另一个运行：其文件夹名</translation>
    </message>
    <message>
        <source>The other run&apos;s checkpoint</source>
        <translation>另一个运行的检查点</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Generate from both checkpoints with the same prompt, settings and seed</source>
        <translation>用相同的提示词、设置和种子从两个检查点生成</translation>
    </message>
    <message>
        <source>What was compared</source>
        <translation>比较的内容</translation>
    </message>
    <message>
        <source>Tokens from this checkpoint, coloured by its own probability</source>
        <translation>此检查点生成的词元，按其自身概率着色</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Checkpoint, its step, and its mean log-probability per generated token</source>
        <translation>检查点、其步数，以及每个生成词元的平均对数概率</translation>
    </message>
    <message>
        <source>What this checkpoint wrote; hover a token for its probability</source>
        <translation>此检查点生成的文本；悬停词元查看其概率</translation>
    </message>
    <message>
        <source>One column per model; scroll sideways for more</source>
        <translation>每个模型一列；横向滚动查看更多</translation>
    </message>
    <message>
        <source>Choose a run folder to compare with</source>
        <translation>选择要对比的运行文件夹</translation>
    </message>
    <message>
        <source>Not compared: {reason}</source>
        <translation>未比较：{reason}</translation>
    </message>
    <message>
        <source>The other run: {folder}</source>
        <translation>另一个运行：{folder}</translation>
    </message>
    <message>
        <source>no run loaded: load a run on the Generate page first</source>
        <translation>未加载运行：请先在“生成”页加载一个运行</translation>
    </message>
    <message>
        <source>no other run chosen: press “Choose run…” and pick a run folder</source>
        <translation>未选择另一个运行：请点击“选择运行…”并选取一个运行文件夹</translation>
    </message>
    <message>
        <source>This run</source>
        <translation>本运行</translation>
    </message>
    <message>
        <source>Generate with every checkpoint</source>
        <translation>用所有检查点生成</translation>
    </message>
    <message>
        <source>Generate from every checkpoint of the loaded run, oldest first, with the same prompt, settings and seed: one column each</source>
        <translation>用相同的提示词、设置和种子，从已加载运行的每个检查点生成（从旧到新）：每个一列</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; (step {step}) · mean log P per token {logprob} nats</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;（第 {step} 步）· 每词元平均 log P {logprob} nat</translation>
    </message>
    <message>
        <source>{run} · checkpoint {name}: its step, architecture, size and mean log-probability per generated token (higher: the model found its own text likelier)</source>
        <translation>{run} · 检查点 {name}：步数、架构、规模，以及每个生成词元的平均对数概率（越高：模型认为自己生成的文本越可能）</translation>
    </message>
    <message>
        <source>&lt;b&gt;step {step}&lt;/b&gt;{name}&lt;br&gt;{run}{arch}, {parameters} parameters&lt;br&gt;mean log P {logprob} nats/token</source>
        <translation>&lt;b&gt;第 {step} 步&lt;/b&gt;{name}&lt;br&gt;{run}{arch}，{parameters} 个参数&lt;br&gt;平均 log P {logprob} nat/词元</translation>
    </message>
    <message>
        <source>Beam search (width {width}), the best beam of both: differences come from the models (architecture, tokenizer, data, training).</source>
        <translation>束搜索（宽度 {width}），两者各取最佳束：差异来自模型本身（架构、分词器、数据、训练）。</translation>
    </message>
    <message>
        <source>Beam search (width {width}), the best beam of each: differences come from the models (architecture, tokenizer, data, training).</source>
        <translation>束搜索（宽度 {width}），每个各取最佳束：差异来自模型本身（架构、分词器、数据、训练）。</translation>
    </message>
    <message>
        <source>Beam search (width {width}), the best beam of both: differences come from the weights alone.</source>
        <translation>束搜索（宽度 {width}），两者各取最佳束：差异仅来自权重。</translation>
    </message>
    <message>
        <source>Beam search (width {width}), the best beam of each: differences come from the weights alone.</source>
        <translation>束搜索（宽度 {width}），每个各取最佳束：差异仅来自权重。</translation>
    </message>
    <message>
        <source>Same prompt, settings and seed {seed}: differences come from the models (architecture, tokenizer, data, training).</source>
        <translation>相同的提示词、设置和种子 {seed}：差异来自模型本身（架构、分词器、数据、训练）。</translation>
    </message>
    <message>
        <source>Same prompt, settings and seed {seed}: differences come from the weights alone.</source>
        <translation>相同的提示词、设置和种子 {seed}：差异仅来自权重。</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Draw each token at random from the (filtered) distribution</source>
        <translation>从（过滤后的）分布中随机抽取每个词元</translation>
    </message>
    <message>
        <source>Greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>Always take the most likely token (temperature 0)</source>
        <translation>总是选取最可能的词元（温度 0）</translation>
    </message>
    <message>
        <source>Beam search</source>
        <translation>束搜索</translation>
    </message>
    <message>
        <source>Keep the best few partial texts by total log-probability; shows each beam as a branch</source>
        <translation>按总对数概率保留最好的几个部分文本；每个束显示为一个分支</translation>
    </message>
    <message>
        <source>No run loaded</source>
        <translation>未加载运行</translation>
    </message>
    <message>
        <source>The run folder the Playground uses</source>
        <translation>演练场使用的运行文件夹</translation>
    </message>
    <message>
        <source>Load the run the Train tab trained last</source>
        <translation>加载“训练”页最近训练的运行</translation>
    </message>
    <message>
        <source>Load any run folder written by the Train tab or `lmstudio train --out`, or a local Hugging Face GPT-2 folder (config.json, safetensors weights, tokenizer files)</source>
        <translation>加载由“训练”页或 `lmstudio train --out` 写出的任意运行文件夹，或本地 Hugging Face GPT-2 文件夹（config.json、safetensors 权重、分词器文件）</translation>
    </message>
    <message>
        <source>Which weights to use: the best validation loss, the last step, or an earlier step</source>
        <translation>使用哪份权重：验证损失最佳的、最后一步的，或更早某步的</translation>
    </message>
    <message>
        <source>Architecture, size and checkpoint of the loaded model</source>
        <translation>已加载模型的架构、规模和检查点</translation>
    </message>
    <message>
        <source>best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>last</source>
        <translation>最后</translation>
    </message>
    <message>
        <source>{name} (compressed: {kind})</source>
        <translation>{name}（已压缩：{kind}）</translation>
    </message>
    <message>
        <source>How the next token is chosen: sampling, greedy (most likely) or beam search</source>
        <translation>如何选择下一个词元：采样、贪心（最可能）或束搜索</translation>
    </message>
    <message>
        <source>fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Use the seed (repeatable); unchecked: a new random seed each time</source>
        <translation>使用该种子（可复现）；不勾选：每次使用新的随机种子</translation>
    </message>
    <message>
        <source>e.g. \n\n</source>
        <translation>例如 \n\n</translation>
    </message>
    <message>
        <source>Stop when the generated text contains this (\n for a newline); empty = no stop text</source>
        <translation>生成的文本包含此内容时停止（\n 表示换行）；留空 = 无停止文本</translation>
    </message>
    <message>
        <source>Beam search: how many partial texts are kept</source>
        <translation>束搜索：保留多少个部分文本</translation>
    </message>
    <message>
        <source>Translation beam search: beams are ranked by log P / ((5 + length) / 6)^α (GNMT&apos;s length penalty); 0 ranks by raw log P, which favours short outputs</source>
        <translation>翻译束搜索：按 log P / ((5 + 长度) / 6)^α 对束排序（GNMT 的长度惩罚）；0 表示按原始 log P 排序，会偏向较短的输出</translation>
    </message>
    <message>
        <source>Decoding</source>
        <translation>解码</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>最大新词元数</translation>
    </message>
    <message>
        <source>Stop text</source>
        <translation>停止文本</translation>
    </message>
    <message>
        <source>Beam width</source>
        <translation>束宽</translation>
    </message>
    <message>
        <source>Length penalty α</source>
        <translation>长度惩罚 α</translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation>候选数</translation>
    </message>
    <message>
        <source>Not used for translation: a translation ends when the model writes &lt;eos&gt;</source>
        <translation>翻译时不使用：模型写出 &lt;eos&gt; 时翻译即结束</translation>
    </message>
    <message>
        <source>Project the loaded checkpoint&apos;s token embeddings to 2-D (PCA) and, when the run kept several checkpoints, every one of them in the same axes, to play how the clusters formed</source>
        <translation>将已加载检查点的词元嵌入投影到二维（PCA）；若该运行保留了多个检查点，则将它们全部投影到同一坐标系中，以动画播放聚类的形成过程</translation>
    </message>
    <message>
        <source>Draw the map</source>
        <translation>绘制嵌入图</translation>
    </message>
    <message>
        <source>Load a run and press Draw the map.</source>
        <translation>加载一个运行并点击“绘制嵌入图”。</translation>
    </message>
    <message>
        <source>{n} checkpoints, steps {first} to {last}: press Play</source>
        <translation>{n} 个检查点，第 {first} 步至第 {last} 步：点击“播放”</translation>
    </message>
    <message>
        <source>one checkpoint (the run kept no others to animate)</source>
        <translation>一个检查点（该运行没有保留其他检查点用于动画）</translation>
    </message>
    <message>
        <source>{n} tokens, {what}.</source>
        <translation>{n} 个词元，{what}。</translation>
    </message>
    <message>
        <source>{n} tokens, {what}; frequencies unknown (the run&apos;s prepared data is gone).</source>
        <translation>{n} 个词元，{what}；词频未知（该运行的预处理数据已不存在）。</translation>
    </message>
    <message>
        <source>log₁₀ count in the training split</source>
        <translation>训练集中出现次数的 log₁₀</translation>
    </message>
    <message>
        <source>Each point is a token, placed by the two main directions of the embedding table (PCA): tokens the model treats alike sit close together. Hover a point for its text, id and frequency; click it for its nearest neighbours. Drag to pan, wheel to zoom.</source>
        <translation>每个点是一个词元，按嵌入表的两个主方向（PCA）放置：模型对待相似的词元彼此靠近。悬停在点上查看其文本、ID 和频次；点击查看其最近邻。拖动可平移，滚轮可缩放。</translation>
    </message>
    <message>
        <source>Colour: how often each token occurs in the training split (log₁₀ of the count)</source>
        <translation>颜色：每个词元在训练集中出现的频次（次数的 log₁₀）</translation>
    </message>
    <message>
        <source>Find a token…</source>
        <translation>查找词元…</translation>
    </message>
    <message>
        <source>Type a token&apos;s text (exactly, or its beginning) and press Enter: the map rings it and lists its nearest neighbours. Spaces and newlines are shown as · and ↵.</source>
        <translation>输入词元的文本（完整文本或其开头）并按回车：图中会圈出该词元并列出其最近邻。空格和换行显示为 · 和 ↵。</translation>
    </message>
    <message>
        <source>Fit view</source>
        <translation>适应视图</translation>
    </message>
    <message>
        <source>Zoom back out so every token is in view</source>
        <translation>缩小视图，使所有词元都可见</translation>
    </message>
    <message>
        <source>What the map shows: tokens, the variance the two axes hold, what colours mean</source>
        <translation>图中显示的内容：词元、两个坐标轴所占的方差、颜色的含义</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <source>Animate the map through the run&apos;s checkpoints, oldest to newest, in the same axes: watch groups of similar tokens form as training proceeds (from the start again when at the end)</source>
        <translation>在同一坐标轴下，按从旧到新的顺序以动画播放本次运行的各个检查点：观察相似词元如何随训练推进而聚集成群（播放到末尾时从头开始）</translation>
    </message>
    <message>
        <source>The checkpoint shown: drag to move through training (pauses the animation)</source>
        <translation>当前显示的检查点：拖动以浏览训练过程（会暂停动画）</translation>
    </message>
    <message>
        <source>The training step of the checkpoint shown, and which checkpoint it is</source>
        <translation>当前检查点的训练步数，以及它是第几个检查点</translation>
    </message>
    <message>
        <source>step {step} · {index} / {count}</source>
        <translation>第 {step} 步 · {index} / {count}</translation>
    </message>
    <message>
        <source>Nearest neighbours</source>
        <translation>最近邻</translation>
    </message>
    <message>
        <source>The tokens whose embeddings point most nearly the same way (cosine)</source>
        <translation>嵌入方向最接近的词元（余弦）</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>The selected token&apos;s nearest neighbours by cosine similarity of their embeddings (1 = same direction); click one to select it in turn</source>
        <translation>按嵌入余弦相似度排列的所选词元的最近邻（1 = 方向相同）；点击其中一个即可转而选中它</translation>
    </message>
    <message>
        <source>Nearest neighbours of “{token}”</source>
        <translation>“{token}”的最近邻</translation>
    </message>
    <message>
        <source>Nearest neighbours: click a token</source>
        <translation>最近邻：请点击一个词元</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 个词元</translation>
    </message>
    <message>
        <source>labels on the {count} most frequent (zoom in to read more)</source>
        <translation>为最常见的 {count} 个词元加了标签（放大可看到更多）</translation>
    </message>
    <message>
        <source>labels on the {count} most distinctive (zoom in to read more)</source>
        <translation>为最有区分度的 {count} 个词元加了标签（放大可看到更多）</translation>
    </message>
    <message>
        <source>colour: log₁₀ of each token&apos;s count in the training split</source>
        <translation>颜色：每个词元在训练集中出现次数的 log₁₀</translation>
    </message>
    <message>
        <source>one colour for all: the run&apos;s prepared training data is not available to count tokens</source>
        <translation>统一颜色：无法获取本次运行预处理好的训练数据来统计词元</translation>
    </message>
    <message>
        <source>{axis} ({percent} % of variance)</source>
        <translation>{axis}（方差占比 {percent}%）</translation>
    </message>
    <message>
        <source>Token embeddings</source>
        <translation>词元嵌入</translation>
    </message>
    <message>
        <source>frequency {count}</source>
        <translation>频次 {count}</translation>
    </message>
    <message>
        <source>frequency unknown</source>
        <translation>频次未知</translation>
    </message>
    <message>
        <source>“{token}”  ·  id {id}  ·  {frequency}</source>
        <translation>“{token}”  ·  ID {id}  ·  {frequency}</translation>
    </message>
    <message>
        <source>“{token}” (id {id}): neighbours unavailable for this map</source>
        <translation>“{token}”（ID {id}）：此图无法提供最近邻</translation>
    </message>
    <message>
        <source>Nearest neighbours of “{token}” (id {id})</source>
        <translation>“{token}”（ID {id}）的最近邻</translation>
    </message>
    <message>
        <source>{token}  ·  cosine similarity {similarity}; click to select it</source>
        <translation>{token}  ·  余弦相似度 {similarity}；点击以选中</translation>
    </message>
    <message>
        <source>No token “{text}” in this vocabulary</source>
        <translation>此词表中没有词元“{text}”</translation>
    </message>
    <message>
        <source>⏸ Pause</source>
        <translation>⏸ 暂停</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Colour each token by the model&apos;s probability for it (green likely, red unlikely)</source>
        <translation>按模型给出的概率为每个词元着色（绿色可能，红色不太可能）</translation>
    </message>
    <message>
        <source>Rank buckets</source>
        <translation>排名区间</translation>
    </message>
    <message>
        <source>Colour by the token&apos;s rank among all candidates: top 10, 100, 1000 or beyond (as GLTR)</source>
        <translation>按词元在所有候选中的排名着色：前 10、100、1000 或更后（同 GLTR）</translation>
    </message>
    <message>
        <source>What the chip colours show: probability or rank bucket</source>
        <translation>词元块颜色的含义：概率或排名分段</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Gradient × input</source>
        <translation>梯度 × 输入</translation>
    </message>
    <message>
        <source>Hover a generated token to underline the earlier tokens its prediction leaned on: by attention (Transformers: every layer&apos;s heads averaged) or by gradient × input (any model: how much the token&apos;s log-probability changes with each earlier token&apos;s embedding). The longer the bar, the more</source>
        <translation>悬停在生成的词元上，为其预测所依赖的前文词元加下划线：依据注意力（Transformer：所有层的注意力头取平均）或梯度 × 输入（任意模型：该词元的对数概率随每个前文词元嵌入变化的程度）。条越长，依赖越多</translation>
    </message>
    <message>
        <source>The prompt (grey) and the generated tokens; hover a token for its alternatives, click to pin it</source>
        <translation>提示词（灰色）和生成的词元；悬停词元查看候选，点击以固定</translation>
    </message>
    <message>
        <source>Load a run, type a prompt and press Generate.</source>
        <translation>加载一个运行，输入提示词并点击“生成”。</translation>
    </message>
    <message>
        <source>What the generator is doing, and its speed</source>
        <translation>生成器的当前状态及速度</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Every text generated from this prompt: a branch departs from its parent at the token you chose instead. Click one to show it.</source>
        <translation>从此提示词生成的所有文本：分支在你改选的词元处从父分支分出。点击以显示。</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>Leaned on</source>
        <translation>依赖</translation>
    </message>
    <message>
        <source>The source (grey), then the translation token by token; hover a token for its alternatives, click to pin it</source>
        <translation>源文本（灰色），随后是逐词元的译文；悬停词元查看候选，点击以固定</translation>
    </message>
    <message>
        <source>Colour each token by its surprisal −log₂ P(token | text before it): green likely, red surprising</source>
        <translation>按惊异度 −log₂ P(词元 | 之前的文本) 为每个词元着色：绿色为可能，红色为意外</translation>
    </message>
    <message>
        <source>Rank bucket (GLTR)</source>
        <translation>排名区间 (GLTR)</translation>
    </message>
    <message>
        <source>Colour each token by its rank among all candidates (GLTR): green top 10, yellow top 100, red top 1000, purple beyond. Text sampled from a model is mostly green; human text has more red and purple tokens.</source>
        <translation>按每个词元在所有候选中的排名着色 (GLTR)：绿色为前 10，黄色为前 100，红色为前 1000，紫色为更靠后。模型采样的文本大多为绿色；人类写的文本有更多红色和紫色词元。</translation>
    </message>
    <message>
        <source>Score a text to see {whole} = {chain}.</source>
        <translation>为一段文本评分，即可看到 {whole} = {chain}。</translation>
    </message>
    <message>
        <source>{whole} = {chain} = {terms} = &lt;b&gt;{total}&lt;/b&gt; nats over n = {n} tokens</source>
        <translation>{whole} = {chain} = {terms} = &lt;b&gt;{total}&lt;/b&gt; 奈特，共 n = {n} 个词元</translation>
    </message>
    <message>
        <source>perplexity = exp(−log P / n) = exp({neg_total} / {n}) = &lt;b&gt;{perplexity}&lt;/b&gt;</source>
        <translation>困惑度 = exp(−log P / n) = exp({neg_total} / {n}) = &lt;b&gt;{perplexity}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>bits per character = −log P / ({chars} chars × ln 2) = &lt;b&gt;{bpc}&lt;/b&gt;</source>
        <translation>每字符比特数 = −log P / ({chars} 个字符 × ln 2) = &lt;b&gt;{bpc}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>bits per character: &lt;b&gt;n/a&lt;/b&gt; ({reason})</source>
        <translation>每字符比特数：&lt;b&gt;不适用&lt;/b&gt;（{reason}）</translation>
    </message>
    <message>
        <source>mean surprisal {bits} bits/token</source>
        <translation>平均惊异度 {bits} 比特/词元</translation>
    </message>
    <message>
        <source>Score a text to see how its tokens rank under the model.</source>
        <translation>为一段文本评分，即可看到其词元在模型下的排名。</translation>
    </message>
    <message>
        <source>mean rank {rank}</source>
        <translation>平均排名 {rank}</translation>
    </message>
    <message>
        <source>mean p/p(top-1) {ratio}</source>
        <translation>平均 p/p(top-1) {ratio}</translation>
    </message>
    <message>
        <source>mean entropy {bits} bits</source>
        <translation>平均熵 {bits} 比特</translation>
    </message>
    <message>
        <source>mean surprisal {bits} bits</source>
        <translation>平均惊异度 {bits} 比特</translation>
    </message>
    <message>
        <source>Any text: each of its tokens is scored by how surprised the model is to see it</source>
        <translation>任意文本：按模型看到每个词元时的意外程度为其评分</translation>
    </message>
    <message>
        <source>Score text</source>
        <translation>为文本评分</translation>
    </message>
    <message>
        <source>Compute each token&apos;s probability given the tokens before it (Ctrl+Return in the text box)</source>
        <translation>计算每个词元在给定其前面词元时的概率（在文本框中按 Ctrl+Return）</translation>
    </message>
    <message>
        <source>Each token coloured by its surprisal −log₂ P(token | text before it); hover for the numbers</source>
        <translation>每个词元按其惊异度 −log₂ P(词元 | 之前的文本) 着色；悬停查看数值</translation>
    </message>
    <message>
        <source>Press Score text to colour each token by how surprising it is to the model.</source>
        <translation>按“为文本评分”，按模型对每个词元的意外程度为其着色。</translation>
    </message>
    <message>
        <source>What the chip colours show: each token&apos;s probability (surprisal), or its rank bucket as in GLTR (green top 10, yellow top 100, red top 1000, purple beyond): human text has more red and purple tokens than text sampled from a model</source>
        <translation>词元块颜色表示的内容：每个词元的概率（惊异度），或如 GLTR 中的排名区间（绿色为前 10，黄色为前 100，红色为前 1000，紫色为更靠后）：人类写的文本比模型采样的文本有更多红色和紫色词元</translation>
    </message>
    <message>
        <source>The chain rule of probability: a text&apos;s log-probability is the sum of its tokens&apos; log-probabilities, each given the tokens before it</source>
        <translation>概率的链式法则：一段文本的对数概率等于其各词元在给定前面词元时的对数概率之和</translation>
    </message>
    <message>
        <source>The text is cleaned like the run&apos;s corpus before it is scored</source>
        <translation>评分前，文本会像本次运行的语料一样被清洗</translation>
    </message>
    <message>
        <source>GLTR summary</source>
        <translation>GLTR 摘要</translation>
    </message>
    <message>
        <source>GLTR (Gehrmann et al. 2019): how the model ranks each actual token of the text. Text sampled from a model keeps to its top predictions; human text picks more unlikely tokens</source>
        <translation>GLTR（Gehrmann 等，2019）：模型对文本中每个实际词元的排名。模型采样的文本总是选取其排名靠前的预测；人类写的文本会选用更多不太可能的词元</translation>
    </message>
    <message>
        <source>rank of the actual token</source>
        <translation>实际词元的排名</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>How many tokens the model ranked first (top 1), 2nd–10th (top 10), 11th–100th (top 100) or lower (rest); above each bar its count and share. Human text has more tokens in the last buckets than text sampled from a model. Colours as the chips in rank-bucket mode.</source>
        <translation>模型排在第 1 位（前 1）、第 2–10 位（前 10）、第 11–100 位（前 100）或更靠后（其余）的词元各有多少；每根柱上方为其数量和占比。人类写的文本在后几个区间中的词元比模型采样的文本更多。颜色与排名区间模式下的词元块相同。</translation>
    </message>
    <message>
        <source>probability ratio to the top-1</source>
        <translation>与首选词元的概率比</translation>
    </message>
    <message>
        <source>Each token&apos;s probability divided by that of the model&apos;s top prediction at its position, in 10 bins over 0–1: the top token itself has 1, tokens far below the favourite pile up near 0 (frequent in human text, rare in sampled text)</source>
        <translation>每个词元的概率除以模型在该位置首选预测的概率，在 0–1 之间分为 10 个区间：首选词元本身为 1，远不如首选的词元集中在 0 附近（在人类文本中常见，在采样文本中少见）</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <source>entropy of the prediction (bits)</source>
        <translation>预测的熵（比特）</translation>
    </message>
    <message>
        <source>How unsure the model was at each position before seeing the token: the entropy of its whole predictive distribution, in bits (0: certain; log₂ of the vocabulary size: no idea)</source>
        <translation>模型在看到词元之前，对每个位置有多不确定：其整个预测分布的熵，以比特为单位（0：完全确定；词表大小的 log₂：毫无头绪）</translation>
    </message>
    <message>
        <source>The number of tokens summarised and the means of what the charts show</source>
        <translation>所汇总的词元数，以及各图所示量的平均值</translation>
    </message>
    <message>
        <source>A translation of the source text (left): each of its tokens is scored given the source and the tokens before it</source>
        <translation>源文本（左侧）的译文：在给定源文本及前面词元的条件下为其每个词元评分</translation>
    </message>
    <message>
        <source>Score translation</source>
        <translation>为译文评分</translation>
    </message>
    <message>
        <source>Compute log P(target | source): each target token&apos;s probability, then &lt;eos&gt;</source>
        <translation>计算 log P(目标 | 源)：每个目标词元的概率，最后是 &lt;eos&gt;</translation>
    </message>
    <message>
        <source>Each target token (and the closing &lt;eos&gt;) coloured by its surprisal −log₂ P(token | source, tokens before it); hover for the numbers</source>
        <translation>每个目标词元（以及结尾的 &lt;eos&gt;）按其惊异度 −log₂ P(词元 | 源, 之前的词元) 着色；悬停查看数值</translation>
    </message>
    <message>
        <source>Which layer (block) to show</source>
        <translation>要显示的层（块）</translation>
    </message>
    <message>
        <source>Which attention head; &apos;mean&apos; averages the heads of the layer</source>
        <translation>要显示的注意力头；“平均”表示对该层所有注意力头取平均</translation>
    </message>
    <message>
        <source>Look inside</source>
        <translation>查看内部</translation>
    </message>
    <message>
        <source>Run the model over the current text (prompt and the shown branch) and record what it computes</source>
        <translation>在当前文本（提示词和显示的分支）上运行模型，并记录其计算结果</translation>
    </message>
    <message>
        <source>Generate or type a prompt, then press Look inside.</source>
        <translation>生成或输入提示词，然后按“查看内部”。</translation>
    </message>
    <message>
        <source>What the heatmap shows</source>
        <translation>热力图显示的内容</translation>
    </message>
    <message>
        <source>key: the token attended to</source>
        <translation>键：被关注的词元</translation>
    </message>
    <message>
        <source>query: the token attending</source>
        <translation>查询：发出关注的词元</translation>
    </message>
    <message>
        <source>Row i: how much token i attends to each earlier token (each row sums to 1)</source>
        <translation>第 i 行：词元 i 对此前每个词元的关注程度（每行之和为 1）</translation>
    </message>
    <message>
        <source>Hidden state over time</source>
        <translation>隐藏状态随时间的变化</translation>
    </message>
    <message>
        <source>time (token)</source>
        <translation>时间（词元）</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Activation of each hidden unit (row) after reading each token (column)</source>
        <translation>读入每个词元（列）后各隐藏单元（行）的激活值</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>各注意力头平均</translation>
    </message>
    <message>
        <source>head {head}</source>
        <translation>注意力头 {head}</translation>
    </message>
    <message>
        <source>Layer {layer}, {which}: {tokens} tokens (the model&apos;s window). Row = the token attending, column = the token it reads; the model only looks back (causal).</source>
        <translation>第 {layer} 层，{which}：{tokens} 个词元（模型的窗口）。行 = 发出关注的词元，列 = 它读取的词元；模型只向前看（因果）。</translation>
    </message>
    <message>
        <source>Layer {layer}: {units} hidden units over the last {tokens} tokens. Red/blue: positive/negative activation; stripes that switch at spaces or newlines are units tracking word or line boundaries.</source>
        <translation>第 {layer} 层：最后 {tokens} 个词元上的 {units} 个隐藏单元。红/蓝：正/负激活；在空格或换行处切换的条纹是追踪词或行边界的单元。</translation>
    </message>
    <message>
        <source>Run the current text (the prompt and what was generated, the model&apos;s last window of it) through the model and show what every layer predicts (logit lens) and where every head looks (Transformers)</source>
        <translation>让模型处理当前文本（提示词及已生成内容，取模型的最后一个窗口），显示每一层的预测（逻辑透镜）以及每个注意力头关注的位置（Transformer）</translation>
    </message>
    <message>
        <source>Switch attention heads or whole layers off (Transformer): generation, Score and these views then run without them, so you can see what each one contributes. Reset turns everything back on</source>
        <translation>屏蔽注意力头或整层（Transformer）：生成、评分和这些视图随后都在没有它们的情况下运行，以便观察各自的贡献。“重置”会全部恢复</translation>
    </message>
    <message>
        <source>Load a run, generate or type a prompt, then press Look inside.</source>
        <translation>加载一个运行，生成或输入提示词，然后点击“查看内部”。</translation>
    </message>
    <message>
        <source>Knock-outs: Transformers only.</source>
        <translation>屏蔽：仅适用于 Transformer。</translation>
    </message>
    <message>
        <source>Logit lens over {n} tokens.</source>
        <translation>对 {n} 个词元的逻辑透镜。</translation>
    </message>
    <message>
        <source>Off: {switches}</source>
        <translation>已屏蔽：{switches}</translation>
    </message>
    <message>
        <source>token {index}</source>
        <translation>词元 {index}</translation>
    </message>
    <message>
        <source>{layer}, after {token} (token {index} of {total})</source>
        <translation>{layer}，在 {token} 之后（第 {index} 个词元，共 {total} 个）</translation>
    </message>
    <message>
        <source>top prediction {token}: {probability}</source>
        <translation>首选预测 {token}：{probability}</translation>
    </message>
    <message>
        <source>this is the model&apos;s own output</source>
        <translation>这就是模型自身的输出</translation>
    </message>
    <message>
        <source>the model&apos;s final prediction {token}: {here} here, {output} at the output</source>
        <translation>模型的最终预测 {token}：此处 {here}，输出处 {output}</translation>
    </message>
    <message>
        <source>Input token {index}: {token}; each row below predicts the token after it</source>
        <translation>输入词元 {index}：{token}；下方每一行预测它之后的词元</translation>
    </message>
    <message>
        <source>The embeddings alone, read through the final norm and the output head (no layer run)</source>
        <translation>仅嵌入，经最终归一化层和输出头读出（不运行任何层）</translation>
    </message>
    <message>
        <source>The residual stream after {layer}, read through the final norm and the output head: the model&apos;s own output</source>
        <translation>{layer} 之后的残差流，经最终归一化层和输出头读出：即模型自身的输出</translation>
    </message>
    <message>
        <source>The residual stream after {layer}, read through the final norm and the output head</source>
        <translation>{layer} 之后的残差流，经最终归一化层和输出头读出</translation>
    </message>
    <message>
        <source>Each row: the next token that layer would predict if it were the last; colour: the probability it gives to the model&apos;s final prediction (green: already sure). Hover a cell for the numbers</source>
        <translation>每一行：假如该层是最后一层，它会预测的下一个词元；颜色：它给模型最终预测的概率（绿色：已经确定）。悬停在单元格上查看数值</translation>
    </message>
    <message>
        <source>The input tokens, in order</source>
        <translation>输入词元，按顺序排列</translation>
    </message>
    <message>
        <source>The layers read, from the embeddings (top) to the output (bottom)</source>
        <translation>读出的各层，从嵌入（顶部）到输出（底部）</translation>
    </message>
    <message>
        <source>Cell colour: the probability that layer gives to the model&apos;s final prediction</source>
        <translation>单元格颜色：该层给模型最终预测的概率</translation>
    </message>
    <message>
        <source>Press Look inside to read every layer&apos;s prediction.</source>
        <translation>按“查看内部”读出每一层的预测。</translation>
    </message>
    <message>
        <source>What the grid shows, and how early the model&apos;s answers form</source>
        <translation>网格显示的内容，以及模型的答案在多早的层就已形成</translation>
    </message>
    <message>
        <source>P(final prediction)</source>
        <translation>P(最终预测)</translation>
    </message>
    <message>
        <source>{rows} rows × {tokens} tokens. Each cell: the next token that row would predict if the model stopped there. At half of the positions or more, the final prediction is on top from “{layer}” on.</source>
        <translation>{rows} 行 × {tokens} 个词元。每个单元格：假如模型在该行停止，它会预测的下一个词元。至少一半的位置上，最终预测从“{layer}”起就已排在首位。</translation>
    </message>
    <message>
        <source>One map per layer (row) and head (column); hover one to enlarge it, click to keep it</source>
        <translation>每层（行）每个注意力头（列）一张图；悬停可放大，点击可固定</translation>
    </message>
    <message>
        <source>No attention yet.</source>
        <translation>尚无注意力。</translation>
    </message>
    <message>
        <source>Layer {layer}, head {head} (switched off): hover to enlarge, click</source>
        <translation>第 {layer} 层，注意力头 {head}（已关闭）：悬停放大，点击固定</translation>
    </message>
    <message>
        <source>Layer {layer}, head {head}: hover to enlarge, click</source>
        <translation>第 {layer} 层，注意力头 {head}：悬停放大，点击固定</translation>
    </message>
    <message>
        <source>Every layer and head; scroll for more</source>
        <translation>所有层和注意力头；滚动查看更多</translation>
    </message>
    <message>
        <source>The head under the mouse (or the one clicked): row i, how much token i reads each earlier token (each row sums to 1)</source>
        <translation>鼠标下方（或已点击）的注意力头：第 i 行表示词元 i 对此前每个词元的关注程度（每行之和为 1）</translation>
    </message>
    <message>
        <source>Press Look inside to see every attention head of the model at once.</source>
        <translation>按“查看内部”一次查看模型的所有注意力头。</translation>
    </message>
    <message>
        <source>What the small maps show</source>
        <translation>小图显示的内容</translation>
    </message>
    <message>
        <source>Drag the handle to share the room between the small maps and the enlarged one</source>
        <translation>拖动分隔条，调整小图与放大图所占的空间</translation>
    </message>
    <message>
        <source>{layers} layers × {heads} heads over {tokens} tokens, each map scaled to its own largest weight (bright: attended). Hover a map to enlarge it; click to keep it. Diagonals read the token itself, vertical stripes one token everyone reads, a shifted diagonal the previous token.</source>
        <translation>{layers} 层 × {heads} 个注意力头，覆盖 {tokens} 个词元，每张图按自身的最大权重缩放（越亮越受关注）。悬停可放大一张图，点击可固定。对角线表示关注词元自身，竖条纹表示所有词元都关注同一个词元，偏移的对角线表示关注前一个词元。</translation>
    </message>
    <message>
        <source>Layer {layer}, head {head}</source>
        <translation>第 {layer} 层，注意力头 {head}</translation>
    </message>
    <message>
        <source>Uncheck a layer or a head to switch it off</source>
        <translation>取消勾选某层或某个注意力头即可将其关闭</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Switch every layer and head back on: the model as trained</source>
        <translation>重新开启所有层和注意力头：恢复训练所得的模型</translation>
    </message>
    <message>
        <source>What is switched off now; generation and Score use the same model</source>
        <translation>当前关闭了哪些部分；生成和评分使用同一个模型</translation>
    </message>
    <message>
        <source>Uncheck a head to zero its output, or a layer to skip its block (the residual stream passes it unchanged); then generate or score again to see what it did.</source>
        <translation>取消勾选某个注意力头可将其输出置零，取消勾选某层可跳过该块（残差流原样通过）；然后重新生成或评分，看看它起了什么作用。</translation>
    </message>
    <message>
        <source>Knock-outs: switch parts of the model off to see what they do</source>
        <translation>屏蔽：关闭模型的某些部分，看看它们起什么作用</translation>
    </message>
    <message>
        <source>Layer {layer}</source>
        <translation>第 {layer} 层</translation>
    </message>
    <message>
        <source>Layer {layer} runs while checked; unchecked, the whole block is skipped</source>
        <translation>勾选时第 {layer} 层运行；取消勾选则跳过整个块</translation>
    </message>
    <message>
        <source>Head {head} of layer {layer} runs while checked; unchecked, its output is zeroed</source>
        <translation>勾选时第 {layer} 层的注意力头 {head} 运行；取消勾选则其输出置零</translation>
    </message>
    <message>
        <source>Export the loaded checkpoint as a Hugging Face folder (transformers) or as ONNX</source>
        <translation>将已加载的检查点导出为 Hugging Face 文件夹（transformers）或 ONNX</translation>
    </message>
    <message>
        <source>Not for a translation run: this view reads a decoder-only language model&apos;s self-attention and hidden states; the encoder-decoder&apos;s cross-attention is on the Alignment page</source>
        <translation>不适用于翻译运行：此视图读取仅解码器语言模型的自注意力和隐藏状态；编码器-解码器的交叉注意力请见“对齐”页</translation>
    </message>
    <message>
        <source>Not for a translation run yet: Compare generates from a prompt with a language model&apos;s checkpoints; load a language-model run to compare</source>
        <translation>暂不支持翻译运行：“对比”使用语言模型的检查点根据提示词生成；请加载一个语言模型运行再进行对比</translation>
    </message>
    <message>
        <source>seen in train</source>
        <translation>见于训练集</translation>
    </message>
    <message>
        <source>seen in validation</source>
        <translation>见于验证集</translation>
    </message>
    <message>
        <source>The text the model continues (Ctrl+Return generates)</source>
        <translation>模型要续写的文本（Ctrl+Return 生成）</translation>
    </message>
    <message>
        <source>The run&apos;s corpus was cleaned before training; the prompt and the Score text are cleaned the same way before the model reads them</source>
        <translation>该运行的语料在训练前经过清洗；提示词和评分文本在模型读取前也会以同样方式清洗</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generate from the prompt, streaming each token (Ctrl+Return)</source>
        <translation>根据提示词生成，逐个流式输出词元（Ctrl+Return）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating; the tokens so far stay (Esc)</source>
        <translation>停止生成；已生成的词元保留（Esc）</translation>
    </message>
    <message>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Step mode: add one token to the shown text (or start from the prompt), then show the next token&apos;s distribution (Ctrl+Right)</source>
        <translation>单步模式：在当前文本后添加一个词元（或从提示词开始），然后显示下一个词元的分布（Ctrl+Right）</translation>
    </message>
    <message>
        <source>Clear branches</source>
        <translation>清除分支</translation>
    </message>
    <message>
        <source>Forget every generated branch</source>
        <translation>丢弃所有已生成的分支</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Load a run first: Export… writes the loaded run&apos;s checkpoint</source>
        <translation>请先加载一个运行：“导出…”写出的是已加载运行的检查点</translation>
    </message>
    <message>
        <source>Generate, see every token&apos;s probability, branch and step</source>
        <translation>生成文本，查看每个词元的概率，分支与单步执行</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Colour any text by its surprisal; log-probability, perplexity, bits per character</source>
        <translation>按意外度为任意文本着色；对数概率、困惑度、每字符比特数</translation>
    </message>
    <message>
        <source>Inside the model</source>
        <translation>模型内部</translation>
    </message>
    <message>
        <source>Attention maps (Transformer) or hidden states (RNN, GRU, LSTM)</source>
        <translation>注意力图（Transformer）或隐藏状态（RNN、GRU、LSTM）</translation>
    </message>
    <message>
        <source>Lens &amp;&amp; heads</source>
        <translation>透镜与注意力头</translation>
    </message>
    <message>
        <source>What every layer predicts (logit lens), every attention head at once, and heads or layers switched off</source>
        <translation>每一层的预测（逻辑透镜 logit lens）、一览所有注意力头，以及屏蔽注意力头或层</translation>
    </message>
    <message>
        <source>Embedding map</source>
        <translation>嵌入图</translation>
    </message>
    <message>
        <source>The token embeddings in 2-D, their nearest neighbours, and the run&apos;s checkpoints animated</source>
        <translation>二维词元嵌入、最近邻，以及该运行各检查点的动画</translation>
    </message>
    <message>
        <source>Checkpoints or runs side by side on the same prompt and seed: two checkpoints, another run, or every checkpoint of this run in columns</source>
        <translation>以相同提示词和种子并排比较检查点或运行：两个检查点、另一个运行，或将本运行的每个检查点分列显示</translation>
    </message>
    <message>
        <source>Alignment</source>
        <translation>对齐</translation>
    </message>
    <message>
        <source>Translation runs: which source tokens the decoder read while writing each output token</source>
        <translation>翻译运行：解码器在写出每个输出词元时读取了哪些源词元</translation>
    </message>
    <message>
        <source>Generate (Playground)</source>
        <translation>生成（演练场）</translation>
    </message>
    <message>
        <source>Stop generating (Playground)</source>
        <translation>停止生成（演练场）</translation>
    </message>
    <message>
        <source>Next token, step mode (Playground)</source>
        <translation>下一个词元，单步模式（演练场）</translation>
    </message>
    <message>
        <source>Not available: {reason}</source>
        <translation>不可用：{reason}</translation>
    </message>
    <message>
        <source>new: no run of tokens repeats the training or validation text</source>
        <translation>新文本：没有任何词元序列重复训练或验证文本</translation>
    </message>
    <message>
        <source>{label}: {share} of its tokens verbatim</source>
        <translation>{label}：{share} 的词元逐字重复</translation>
    </message>
    <message>
        <source>{label}: {share} of its tokens verbatim, corpus line {lines}</source>
        <translation>{label}：{share} 的词元逐字重复，语料第 {lines} 行</translation>
    </message>
    <message>
        <source>{label}: {share} of its tokens verbatim, corpus lines {lines}</source>
        <translation>{label}：{share} 的词元逐字重复，语料第 {lines} 行</translation>
    </message>
    <message>
        <source>Generation failed after {n} tokens: see the message above.</source>
        <translation>生成 {n} 个词元后失败：请查看上方消息。</translation>
    </message>
    <message>
        <source>Stopped: {n} tokens at {speed} tokens/s.</source>
        <translation>已停止：{n} 个词元，速度 {speed} 词元/秒。</translation>
    </message>
    <message>
        <source>Done: {n} tokens at {speed} tokens/s.</source>
        <translation>完成：{n} 个词元，速度 {speed} 词元/秒。</translation>
    </message>
    <message>
        <source>Stopped: {n} tokens.</source>
        <translation>已停止：{n} 个词元。</translation>
    </message>
    <message>
        <source>Done: {n} tokens.</source>
        <translation>完成：{n} 个词元。</translation>
    </message>
    <message>
        <source>Could not compute the alignment: {error}</source>
        <translation>无法计算对齐：{error}</translation>
    </message>
    <message>
        <source>Failed: see the message above.</source>
        <translation>失败：请查看上方消息。</translation>
    </message>
    <message>
        <source>Loading {name} ({which})…</source>
        <translation>正在加载 {name}（{which}）…</translation>
    </message>
    <message>
        <source>Could not load {name} ({which}): see the message above. The model loaded before is still in use.</source>
        <translation>无法加载 {name}（{which}）：请查看上方消息。仍在使用之前加载的模型。</translation>
    </message>
    <message>
        <source>Could not load {name} ({which}): see the message above. Choose another run folder or checkpoint.</source>
        <translation>无法加载 {name}（{which}）：请查看上方消息。请选择其他运行文件夹或检查点。</translation>
    </message>
    <message>
        <source>joint {kind} vocabulary of {size}</source>
        <translation>共享 {kind} 词表，大小 {size}</translation>
    </message>
    <message>
        <source>{kind} vocabularies of {source_size} (source) and {target_size} (target)</source>
        <translation>{kind} 词表，大小 {source_size}（源）和 {target_size}（目标）</translation>
    </message>
    <message>
        <source>{arch} encoder-decoder, attention {attention}</source>
        <translation>{arch} 编码器-解码器，注意力 {attention}</translation>
    </message>
    <message>
        <source>{kind} vocabulary of {size}</source>
        <translation>{kind} 词表，大小 {size}</translation>
    </message>
    <message>
        <source>{shape}, {layers} layer(s) × {width}, {parameters} parameters · {vocab} · weights of step {step}</source>
        <translation>{shape}，{layers} 层 × {width}，{parameters} 个参数 · {vocab} · 第 {step} 步的权重</translation>
    </message>
    <message>
        <source>Loaded {run} ({checkpoint}). Type a source text and press Translate.</source>
        <translation>已加载 {run}（{checkpoint}）。输入源文本并点击“翻译”。</translation>
    </message>
    <message>
        <source>Loaded {run} ({checkpoint}). Type a prompt and press Generate.</source>
        <translation>已加载 {run}（{checkpoint}）。输入提示词并点击“生成”。</translation>
    </message>
    <message>
        <source>Cleaned like the corpus: {summary}</source>
        <translation>与语料相同的清洗：{summary}</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>源文本</translation>
    </message>
    <message>
        <source>The text to translate (Ctrl+Return translates)</source>
        <translation>要翻译的文本（Ctrl+Return 翻译）</translation>
    </message>
    <message>
        <source>Translate</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Translate the source text, streaming each output token with its probability (Ctrl+Return)</source>
        <translation>翻译源文本，逐个流式输出词元及其概率（Ctrl+Return）</translation>
    </message>
    <message>
        <source>The translation token by token: probabilities, alternatives, branches, step mode and beams</source>
        <translation>逐词元查看译文：概率、候选、分支、单步模式和束</translation>
    </message>
    <message>
        <source>Beam search…</source>
        <translation>束搜索…</translation>
    </message>
    <message>
        <source>Type a source text to translate.</source>
        <translation>请输入要翻译的源文本。</translation>
    </message>
    <message>
        <source>Cannot translate this source: {error}</source>
        <translation>无法翻译此源文本：{error}</translation>
    </message>
    <message>
        <source>{n}: {mode}, random seed</source>
        <translation>{n}：{mode}，随机种子</translation>
    </message>
    <message>
        <source>{n}: {mode}, seed {seed}</source>
        <translation>{n}：{mode}，种子 {seed}</translation>
    </message>
    <message>
        <source>beam {rank}: score {score}, log P {logprob}</source>
        <translation>束 {rank}：得分 {score}，log P {logprob}</translation>
    </message>
    <message>
        <source>beam {rank}: score {score}, log P {logprob} (cut: length limit)</source>
        <translation>束 {rank}：得分 {score}，log P {logprob}（已截断：长度上限）</translation>
    </message>
    <message>
        <source>Beam search: {n} hypotheses, best first. Score = log P / ((5 + length) / 6)^α with α = {alpha} (it ranks them); log P = the raw total in nats, &lt;eos&gt; included.</source>
        <translation>束搜索：{n} 个假设，最佳在前。得分 = log P / ((5 + 长度) / 6)^α，α = {alpha}（用于排序）；log P = 原始总和（单位 nat，含 &lt;eos&gt;）。</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>beam {rank}: log P = {logprob}</source>
        <translation>束 {rank}：log P = {logprob}</translation>
    </message>
    <message>
        <source>Beam search: {n} beams, best first (total log-probability in nats).</source>
        <translation>束搜索：{n} 个束，最佳在前（总对数概率，单位 nat）。</translation>
    </message>
    <message>
        <source>{n}: “{text}” at token {position}</source>
        <translation>{n}：第 {position} 个词元处选“{text}”</translation>
    </message>
    <message>
        <source>The translation ends here (&lt;eos&gt; chosen).</source>
        <translation>译文在此结束（选择了 &lt;eos&gt;）。</translation>
    </message>
    <message>
        <source>{n}: &lt;eos&gt;: ends at token {position}</source>
        <translation>{n}：&lt;eos&gt;：在第 {position} 个词元处结束</translation>
    </message>
    <message>
        <source>Hover or click a token to see its alternatives.</source>
        <translation>悬停或点击词元以查看其候选。</translation>
    </message>
    <message>
        <source>{n}: step by step</source>
        <translation>{n}：单步</translation>
    </message>
    <message>
        <source>Step mode: the model ended the translation (&lt;eos&gt;) after {n} tokens.</source>
        <translation>单步模式：模型在 {n} 个词元后结束了翻译（&lt;eos&gt;）。</translation>
    </message>
    <message>
        <source>Step mode: {n} tokens. The view shows the next token&apos;s distribution; drag the temperature or press Next token.</source>
        <translation>单步模式：{n} 个词元。视图显示下一个词元的分布；拖动温度或点击“下一个词元”。</translation>
    </message>
    <message>
        <source>Token {position}: “{text}” · model probability {probability}, rank {rank}</source>
        <translation>词元 {position}：“{text}” · 模型概率 {probability}，排名 {rank}</translation>
    </message>
    <message>
        <source>Next token (after {n} generated): choose one to continue, or press Next token</source>
        <translation>下一个词元（已生成 {n} 个）：选择一个以继续，或点击“下一个词元”</translation>
    </message>
    <message>
        <source>The switched-off heads were not saved with the run: {error}</source>
        <translation>被屏蔽的注意力头未能随运行保存：{error}</translation>
    </message>
    <message>
        <source>The saved switched-off heads do not fit this model and were left off: {error}</source>
        <translation>已保存的屏蔽注意力头与此模型不符，未予应用：{error}</translation>
    </message>
    <message>
        <source>Off (saved with the run): {switches}</source>
        <translation>已屏蔽（随运行保存）：{switches}</translation>
    </message>
    <message>
        <source>Translate a source text: each row shows which source tokens the decoder read while writing that token.</source>
        <translation>翻译一段源文本：每一行显示解码器在写出该词元时读取了哪些源词元。</translation>
    </message>
    <message>
        <source>What the alignment heatmap shows, or why there is none</source>
        <translation>对齐热图显示的内容，或没有热图的原因</translation>
    </message>
    <message>
        <source>Cross-attention alignment</source>
        <translation>交叉注意力对齐</translation>
    </message>
    <message>
        <source>source token (the text read)</source>
        <translation>源词元（读取的文本）</translation>
    </message>
    <message>
        <source>output token (the text written)</source>
        <translation>输出词元（写出的文本）</translation>
    </message>
    <message>
        <source>Row i: how much the decoder attended to each source token while predicting output token i (each row sums to 1; the last row is the prediction of the end, &lt;eos&gt;)</source>
        <translation>第 i 行：解码器在预测第 i 个输出词元时对每个源词元的注意力（每行之和为 1；最后一行是对结束符 &lt;eos&gt; 的预测）</translation>
    </message>
    <message>
        <source>No alignment for this model.</source>
        <translation>此模型没有对齐信息。</translation>
    </message>
    <message>
        <source>{outputs} output token(s) and &lt;eos&gt; (rows) over {sources} source token(s) and &lt;eos&gt; (columns). Bright = attended to; a reversal shows as an anti-diagonal. Hover a cell for its weight.</source>
        <translation>{outputs} 个输出词元及 &lt;eos&gt;（行）对 {sources} 个源词元及 &lt;eos&gt;（列）。亮 = 受到关注；倒序表现为反对角线。悬停单元格查看其权重。</translation>
    </message>
    <message>
        <source>Play a finished run again, with its charts, samples and probes, at 1-50x the pace it trained (no model, no GPU: from its folder&apos;s files): demo insurance for a talk. Pause, Step and Stop drive the replay</source>
        <translation>以训练时 1–50 倍的速度重放一个已完成的运行，包括其图表、样本和探针（无需模型和 GPU：只读取其文件夹中的文件）：演讲演示的保底方案。暂停、单步和停止按钮控制回放</translation>
    </message>
    <message>
        <source>Replay a run</source>
        <translation>回放运行</translation>
    </message>
    <message>
        <source>Speed (times the pace it trained at):</source>
        <translation>速度（训练时速度的倍数）：</translation>
    </message>
    <message>
        <source>Training is running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>Stop training, save a checkpoint and close?</source>
        <translation>停止训练、保存检查点并关闭？</translation>
    </message>
    <message>
        <source>Start from a Hugging Face GPT-2 folder or an earlier run folder</source>
        <translation>从 Hugging Face GPT-2 文件夹或之前的运行文件夹开始</translation>
    </message>
    <message>
        <source>Export the current run&apos;s checkpoint as a Hugging Face folder (transformers) or as ONNX</source>
        <translation>将当前运行的检查点导出为 Hugging Face 文件夹（transformers）或 ONNX</translation>
    </message>
    <message>
        <source>What the model writes from the fixed prompt; click the loss chart for earlier samples. Where it repeats the corpus verbatim (a run of tokens found in the training text: orange; in the validation text: blue) it is shaded, and the title says whether the sample is new or seen</source>
        <translation>模型根据固定提示词生成的文本；点击损失图表可查看更早的样本。与语料逐字重复的部分（在训练文本中出现的词元序列：橙色；在验证文本中：蓝色）会加上底色，标题说明该样本是新的还是见过的</translation>
    </message>
    <message>
        <source>Greedy translations of the first validation pairs at each evaluation: source, reference and the model&apos;s output (green: equal to the reference). Click a chart for the translations of an earlier evaluation</source>
        <translation>每次评估时对验证集前几个句对的贪心翻译：源文本、参考译文和模型输出（绿色：与参考译文相同）。点击图表可查看更早评估的翻译</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新的</translation>
    </message>
    <message>
        <source>The run&apos;s folder name (Rename… changes it)</source>
        <translation>运行的文件夹名（“重命名…”可修改）</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>When the run started</source>
        <translation>运行开始的时间</translation>
    </message>
    <message>
        <source>Corpus</source>
        <translation>语料</translation>
    </message>
    <message>
        <source>The corpus file the run trained on</source>
        <translation>该运行训练所用的语料文件</translation>
    </message>
    <message>
        <source>The tokenizer kind and its vocabulary size</source>
        <translation>分词器类型及其词表大小</translation>
    </message>
    <message>
        <source>The model&apos;s architecture</source>
        <translation>模型的架构</translation>
    </message>
    <message>
        <source>The model&apos;s parameter count</source>
        <translation>模型的参数量</translation>
    </message>
    <message>
        <source>Training steps done, of the steps planned</source>
        <translation>已完成的训练步数 / 计划步数</translation>
    </message>
    <message>
        <source>Training tokens the model has seen</source>
        <translation>模型已见过的训练词元数</translation>
    </message>
    <message>
        <source>Wall time</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Training wall time (h:mm:ss)</source>
        <translation>训练实际耗时（时:分:秒）</translation>
    </message>
    <message>
        <source>Best val loss</source>
        <translation>最佳验证损失</translation>
    </message>
    <message>
        <source>The lowest validation loss (nats per token)</source>
        <translation>最低验证损失（每词元奈特）</translation>
    </message>
    <message>
        <source>The perplexity at the best validation loss</source>
        <translation>最佳验证损失处的困惑度</translation>
    </message>
    <message>
        <source>Bits/char</source>
        <translation>每字符比特数</translation>
    </message>
    <message>
        <source>Bits per character at the best validation loss: comparable across tokenizers</source>
        <translation>最佳验证损失处的每字符比特数：可在不同分词器之间比较</translation>
    </message>
    <message>
        <source>BLEU</source>
        <translation>BLEU</translation>
    </message>
    <message>
        <source>BLEU of a translation run (empty for language models)</source>
        <translation>翻译运行的 BLEU（语言模型为空）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>finished, stopped, running, failed or no checkpoint</source>
        <translation>已完成、已停止、运行中、失败或无检查点</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Your tags for the run (Tags… edits them)</source>
        <translation>你给该运行加的标签（“标签…”可编辑）</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>no checkpoint</source>
        <translation>无检查点</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>tokens seen</source>
        <translation>已见词元数</translation>
    </message>
    <message>
        <source>time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>{key} differs among the runs compared</source>
        <translation>{key} 在所比较的运行之间不同</translation>
    </message>
    <message>
        <source>A setting that differs among the selected runs (among all runs when fewer than two are selected)</source>
        <translation>在所选运行之间不同的设置（选中少于两个运行时，在所有运行之间比较）</translation>
    </message>
    <message>
        <source>Every run of the runs folder: click a header to sort; select runs (Ctrl/Shift-click) to overlay their curves, compare their generations and show the settings that differ; double-click to open a run in the Playground</source>
        <translation>运行文件夹中的每个运行：点击表头排序；选择运行（Ctrl/Shift 点击）可叠加它们的曲线、比较它们的生成结果并显示不同的设置；双击在 Playground 中打开运行</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the runs folder again</source>
        <translation>重新读取运行文件夹</translation>
    </message>
    <message>
        <source>Open in Playground</source>
        <translation>在 Playground 中打开</translation>
    </message>
    <message>
        <source>Load the selected run in the Playground tab</source>
        <translation>在 Playground 标签页中加载所选运行</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Give the selected run&apos;s folder a new name</source>
        <translation>为所选运行的文件夹起一个新名称</translation>
    </message>
    <message>
        <source>Tags…</source>
        <translation>标签…</translation>
    </message>
    <message>
        <source>Set the selected runs&apos; tags (comma-separated)</source>
        <translation>设置所选运行的标签（以逗号分隔）</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the selected run folders (asks first; only folders that are runs)</source>
        <translation>删除所选运行文件夹（会先询问；只删除属于运行的文件夹）</translation>
    </message>
    <message>
        <source>The runs folder (the Train tab&apos;s Runs folder… button changes it)</source>
        <translation>运行文件夹（训练标签页的“运行文件夹…”按钮可修改）</translation>
    </message>
    <message>
        <source>The validation loss of each selected run, one colour per run</source>
        <translation>每个所选运行的验证损失，每个运行一种颜色</translation>
    </message>
    <message>
        <source>The x axis of the curves: steps, tokens seen or wall time</source>
        <translation>曲线的 x 轴：步数、已见词元数或耗时</translation>
    </message>
    <message>
        <source>x axis:</source>
        <translation>x 轴：</translation>
    </message>
    <message>
        <source>The prompt every selected run continues</source>
        <translation>每个所选运行要续写的提示词</translation>
    </message>
    <message>
        <source>The random seed: with the same seed, differences come from the models alone</source>
        <translation>随机种子：种子相同时，差异只来自模型本身</translation>
    </message>
    <message>
        <source>How many tokens each run generates</source>
        <translation>每个运行生成多少个词元</translation>
    </message>
    <message>
        <source>Generate from the prompt with each selected run&apos;s best checkpoint</source>
        <translation>用每个所选运行的最佳检查点从提示词生成</translation>
    </message>
    <message>
        <source>Stop after the run being generated</source>
        <translation>在当前正在生成的运行结束后停止</translation>
    </message>
    <message>
        <source>What the comparison shows, or how far it has come</source>
        <translation>比较展示的内容，或目前的进度</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Tokens:</source>
        <translation>词元数：</translation>
    </message>
    <message>
        <source>What each run wrote, side by side; hover a token for its probability</source>
        <translation>每个运行写出的内容并排显示；将鼠标悬停在词元上可查看其概率</translation>
    </message>
    <message>
        <source>Compare the selected runs</source>
        <translation>比较所选运行</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>Generations</source>
        <translation>生成结果</translation>
    </message>
    <message>
        <source>The selected runs&apos; validation-loss curves together</source>
        <translation>所选运行的验证损失曲线叠加显示</translation>
    </message>
    <message>
        <source>One prompt and seed generated by each selected run, side by side</source>
        <translation>同一提示词和种子由每个所选运行生成，并排显示</translation>
    </message>
    <message>
        <source>How many runs the table shows, or what went wrong reading them</source>
        <translation>表中显示了多少个运行，或读取时出了什么问题</translation>
    </message>
    <message>
        <source>validation loss (nats)</source>
        <translation>验证损失（奈特）</translation>
    </message>
    <message>
        <source>Every run of the runs folder in one table</source>
        <translation>运行文件夹中的所有运行汇于一张表</translation>
    </message>
    <message>
        <source>Reading the runs in {folder}…</source>
        <translation>正在读取 {folder} 中的运行…</translation>
    </message>
    <message>
        <source>{n} runs in {folder}</source>
        <translation>{folder} 中有 {n} 个运行</translation>
    </message>
    <message>
        <source>No runs in {folder} yet: train one in the Train tab</source>
        <translation>{folder} 中还没有运行：请在训练标签页训练一个</translation>
    </message>
    <message>
        <source>The runs folder {folder} does not exist yet: train a run, or choose the folder with the Train tab&apos;s Runs folder… button</source>
        <translation>运行文件夹 {folder} 尚不存在：请训练一个运行，或用训练标签页的“运行文件夹…”按钮选择文件夹</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>重命名运行</translation>
    </message>
    <message>
        <source>New folder name for {name}:</source>
        <translation>{name} 的新文件夹名：</translation>
    </message>
    <message>
        <source>Tags for {n} run(s), separated by commas:</source>
        <translation>{n} 个运行的标签，以逗号分隔：</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 个</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <source>Delete these run folders and everything in them? This cannot be undone.

{folders}</source>
        <translation>删除这些运行文件夹及其中的全部内容？此操作无法撤销。

{folders}</translation>
    </message>
    <message>
        <source>None of the selected runs can continue a prompt (no checkpoint yet, or a translation run): train them first, or select other runs</source>
        <translation>所选运行都无法续写提示词（尚无检查点，或是翻译运行）：请先训练它们，或选择其他运行</translation>
    </message>
    <message>
        <source>Generating with {n} run(s)…</source>
        <translation>正在用 {n} 个运行生成…</translation>
    </message>
    <message>
        <source>Generation cancelled</source>
        <translation>生成已取消</translation>
    </message>
    <message>
        <source>&lt;b&gt;{run}&lt;/b&gt;&lt;br&gt;{arch}, {parameters} parameters, step {step}&lt;br&gt;mean log P {logprob} nats/token</source>
        <translation>&lt;b&gt;{run}&lt;/b&gt;&lt;br&gt;{arch}，{parameters} 个参数，第 {step} 步&lt;br&gt;平均 log P {logprob} 奈特/词元</translation>
    </message>
    <message>
        <source>{run} · checkpoint {name}: its architecture, size and mean log-probability per generated token</source>
        <translation>{run} · 检查点 {name}：其架构、规模以及每个生成词元的平均对数概率</translation>
    </message>
    <message>
        <source>Tokens from this run, coloured by its own probability</source>
        <translation>该运行生成的词元，按其自身给出的概率着色</translation>
    </message>
    <message>
        <source>What this run wrote; hover a token for its probability</source>
        <translation>该运行写出的内容；将鼠标悬停在词元上可查看其概率</translation>
    </message>
    <message>
        <source>Skipped (no checkpoint yet, or a translation run): {runs}</source>
        <translation>已跳过（尚无检查点，或是翻译运行）：{runs}</translation>
    </message>
    <message>
        <source>early_stopped</source>
        <translation>已提前停止</translation>
    </message>
    <message>
        <source>Steps done, speed and estimated time left; with a time budget also the training time spent of the budget (the run ends at the steps or at the budget, whichever comes first)</source>
        <translation>已完成步数、速度和预计剩余时间；设有时间预算时还显示已用训练时间占预算的多少（运行在达到步数或用完预算时结束，以先到者为准）</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Train a new model with these settings into a new folder of the runs folder</source>
        <translation>用这些设置训练一个新模型，保存到运行文件夹下的新文件夹中</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>none (each run&apos;s own steps)</source>
        <translation>无（每个运行按自己的步数）</translation>
    </message>
    <message>
        <source>grid (every combination)</source>
        <translation>网格（所有组合）</translation>
    </message>
    <message>
        <source>random (a sample of combinations)</source>
        <translation>随机（抽取部分组合）</translation>
    </message>
    <message>
        <source>zip (the i-th values of all axes together)</source>
        <translation>配对（各轴的第 i 个值一起）</translation>
    </message>
    <message>
        <source>final validation loss</source>
        <translation>最终验证损失</translation>
    </message>
    <message>
        <source>best validation loss</source>
        <translation>最佳验证损失</translation>
    </message>
    <message>
        <source>bits per character</source>
        <translation>每字符比特数</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>已计划</translation>
    </message>
    <message>
        <source>early stopped</source>
        <translation>已提前停止</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Values (comma separated)</source>
        <translation>取值（逗号分隔）</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>The sweep&apos;s axes: each row varies one setting over the values listed</source>
        <translation>扫描的轴：每行让一个设置取遍所列的值</translation>
    </message>
    <message>
        <source>Add axis</source>
        <translation>添加轴</translation>
    </message>
    <message>
        <source>Add a row: one more setting to vary</source>
        <translation>添加一行：再变动一个设置</translation>
    </message>
    <message>
        <source>Remove axis</source>
        <translation>移除轴</translation>
    </message>
    <message>
        <source>Remove the selected axis</source>
        <translation>移除选中的轴</translation>
    </message>
    <message>
        <source>The setting this axis varies (any declared setting of the workspace)</source>
        <translation>此轴变动的设置（工作区的任一已声明设置）</translation>
    </message>
    <message>
        <source>e.g. 1e-3, 3e-3</source>
        <translation>例如 1e-3, 3e-3</translation>
    </message>
    <message>
        <source>The values to try, separated by commas; each is checked as the setting&apos;s own form would</source>
        <translation>要尝试的值，用逗号分隔；每个值都按该设置自身表单的规则检查</translation>
    </message>
    <message>
        <source>Whether the values are allowed for this setting</source>
        <translation>这些值对此设置是否允许</translation>
    </message>
    <message>
        <source>{n} values</source>
        <translation>{n} 个值</translation>
    </message>
    <message>
        <source>The sweep&apos;s name: its folder under the runs folder is named after it</source>
        <translation>扫描的名称：运行文件夹下它的文件夹以此命名</translation>
    </message>
    <message>
        <source>Grid tries every combination of the axes&apos; values; random draws a sample</source>
        <translation>网格尝试各轴取值的所有组合；随机则抽取一部分</translation>
    </message>
    <message>
        <source>How many combinations a random sweep draws</source>
        <translation>随机扫描抽取多少个组合</translation>
    </message>
    <message>
        <source>The seed of the random draw (the same seed draws the same runs)</source>
        <translation>随机抽取的种子（相同种子抽到相同的运行）</translation>
    </message>
    <message>
        <source>What every run of the sweep is given the same amount of: equal compute</source>
        <translation>扫描中每个运行获得等量的什么：同等算力</translation>
    </message>
    <message>
        <source>The budget of each run, in the unit chosen on the left</source>
        <translation>每个运行的预算，单位见旁边的选择</translation>
    </message>
    <message>
        <source>How many runs the sweep will train, one after another</source>
        <translation>扫描将依次训练多少个运行</translation>
    </message>
    <message>
        <source>The settings every run starts from; the axes change only theirs</source>
        <translation>每个运行的起始设置；各轴只改变自己的设置</translation>
    </message>
    <message>
        <source>Use current workspace</source>
        <translation>使用当前工作区</translation>
    </message>
    <message>
        <source>Start the runs from the workspace&apos;s settings now (corpus, tokenizer, model, training)</source>
        <translation>让各运行从工作区当前的设置开始（语料、分词器、模型、训练）</translation>
    </message>
    <message>
        <source>Open sweep…</source>
        <translation>打开扫描…</translation>
    </message>
    <message>
        <source>Read a sweep JSON file (its base settings, axes and budget)</source>
        <translation>读取扫描 JSON 文件（其基础设置、轴和预算）</translation>
    </message>
    <message>
        <source>Save sweep…</source>
        <translation>保存扫描…</translation>
    </message>
    <message>
        <source>Write this sweep as a JSON file, which `lmstudio sweep FILE` also runs headless</source>
        <translation>将此扫描写成 JSON 文件，`lmstudio sweep FILE` 也能无界面运行它</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Base</source>
        <translation>基础</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Budget per run</source>
        <translation>每个运行的预算</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>A base configuration plus axes of values, run at equal compute</source>
        <translation>一个基础配置加上若干取值轴，以同等算力运行</translation>
    </message>
    <message>
        <source>The wall-time budget of each run of a ready-made comparison</source>
        <translation>现成对比中每个运行的墙钟时间预算</translation>
    </message>
    <message>
        <source>Architecture duel</source>
        <translation>架构对决</translation>
    </message>
    <message>
        <source>RNN, GRU, LSTM and Transformer of about the same parameter count, same corpus, same time</source>
        <translation>参数量相近的 RNN、GRU、LSTM 和 Transformer，相同语料，相同时间</translation>
    </message>
    <message>
        <source>Tokenizer tournament</source>
        <translation>分词器锦标赛</translation>
    </message>
    <message>
        <source>Character, word, BPE and unigram tokenizers at several vocabulary sizes, judged by bits per character</source>
        <translation>字符、词、BPE 和 unigram 分词器在几种词表大小下比较，以每字符比特数评判</translation>
    </message>
    <message>
        <source>Data scale</source>
        <translation>数据规模</translation>
    </message>
    <message>
        <source>The same model on growing shares of the corpus: where more data stops paying off</source>
        <translation>同一模型在逐渐增大的语料份额上训练：看更多数据从哪里起不再有用</translation>
    </message>
    <message>
        <source>Ready-made</source>
        <translation>现成对比</translation>
    </message>
    <message>
        <source>Fill the plan with a standard comparison on the current workspace</source>
        <translation>用基于当前工作区的标准对比填充计划</translation>
    </message>
    <message>
        <source>Time per run</source>
        <translation>每个运行的时间</translation>
    </message>
    <message>
        <source>Run sweep</source>
        <translation>运行扫描</translation>
    </message>
    <message>
        <source>Train the planned runs one after another on a background thread</source>
        <translation>在后台线程中依次训练计划的运行</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause the current run; Resume goes on where it stopped</source>
        <translation>暂停当前运行；继续会从停下处接着进行</translation>
    </message>
    <message>
        <source>Stop the current run (its checkpoint is saved) and start no other</source>
        <translation>停止当前运行（保存其检查点），不再开始其他运行</translation>
    </message>
    <message>
        <source>The sweep&apos;s runs in order, with each one&apos;s state</source>
        <translation>扫描的各运行（按顺序）及其状态</translation>
    </message>
    <message>
        <source>sweep %p%</source>
        <translation>扫描 %p%</translation>
    </message>
    <message>
        <source>Progress of the whole sweep</source>
        <translation>整个扫描的进度</translation>
    </message>
    <message>
        <source>run %p%</source>
        <translation>运行 %p%</translation>
    </message>
    <message>
        <source>Progress of the current run against its budget</source>
        <translation>当前运行相对其预算的进度</translation>
    </message>
    <message>
        <source>What the sweep is doing now</source>
        <translation>扫描当前在做什么</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>The sweep&apos;s runs, trained one after another</source>
        <translation>扫描的运行，依次训练</translation>
    </message>
    <message>
        <source>The sweep&apos;s answer in one line</source>
        <translation>用一行话给出扫描的结论</translation>
    </message>
    <message>
        <source>The setting on the scatter&apos;s horizontal axis</source>
        <translation>散点图横轴上的设置</translation>
    </message>
    <message>
        <source>The metric on the scatter&apos;s vertical axis</source>
        <translation>散点图纵轴上的指标</translation>
    </message>
    <message>
        <source>Setting against metric</source>
        <translation>设置与指标</translation>
    </message>
    <message>
        <source>One point per run; the star marks the best run</source>
        <translation>每个运行一个点；星号标出最佳运行</translation>
    </message>
    <message>
        <source>x</source>
        <translation>x</translation>
    </message>
    <message>
        <source>y</source>
        <translation>y</translation>
    </message>
    <message>
        <source>share of the corpus (log)</source>
        <translation>语料份额（对数）</translation>
    </message>
    <message>
        <source>Best validation loss against the share of the corpus trained on; the dashed line marks where more data stopped helping at this model size</source>
        <translation>最佳验证损失与所用训练语料份额的关系；虚线标出在此模型规模下更多数据不再有帮助的位置</translation>
    </message>
    <message>
        <source>The sweep&apos;s results, redrawn after each run</source>
        <translation>扫描的结果，每个运行结束后重绘</translation>
    </message>
    <message>
        <source>Parallel coordinates</source>
        <translation>平行坐标</translation>
    </message>
    <message>
        <source>Scatter</source>
        <translation>散点图</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>What the sweep&apos;s runs measured</source>
        <translation>扫描的各运行测得的结果</translation>
    </message>
    <message>
        <source>the bundled corpus</source>
        <translation>自带语料</translation>
    </message>
    <message>
        <source>{corpus}, {tokenizer} tokenizer, {arch} {layers}×{width}</source>
        <translation>{corpus}，{tokenizer} 分词器，{arch} {layers}×{width}</translation>
    </message>
    <message>
        <source>The sweep has no axis: add one (a setting and its values)</source>
        <translation>扫描没有轴：请添加一个（一个设置及其取值）</translation>
    </message>
    <message>
        <source>{n} planned runs</source>
        <translation>计划 {n} 个运行</translation>
    </message>
    <message>
        <source>Open sweep</source>
        <translation>打开扫描</translation>
    </message>
    <message>
        <source>Sweep files (*.json);;All files (*)</source>
        <translation>扫描文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save sweep</source>
        <translation>保存扫描</translation>
    </message>
    <message>
        <source>Sweep files (*.json)</source>
        <translation>扫描文件 (*.json)</translation>
    </message>
    <message>
        <source>Starting the sweep in {folder}</source>
        <translation>正在 {folder} 中开始扫描</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>已继续</translation>
    </message>
    <message>
        <source>Paused: the current run waits; Resume goes on</source>
        <translation>已暂停：当前运行在等待；点继续接着进行</translation>
    </message>
    <message>
        <source>Cancelling: the current run saves its checkpoint and stops</source>
        <translation>正在取消：当前运行保存检查点后停止</translation>
    </message>
    <message>
        <source>Run {i} of {n}: {folder}</source>
        <translation>第 {i} 个运行，共 {n} 个：{folder}</translation>
    </message>
    <message>
        <source>, validation loss {loss}</source>
        <translation>，验证损失 {loss}</translation>
    </message>
    <message>
        <source>, best validation loss {loss}</source>
        <translation>，最佳验证损失 {loss}</translation>
    </message>
    <message>
        <source>The sweep has finished: {folder}</source>
        <translation>扫描已完成：{folder}</translation>
    </message>
    <message>
        <source>The sweep stopped with an error</source>
        <translation>扫描因错误而停止</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Pause after the current step (the model stays in memory)</source>
        <translation>在当前步完成后暂停（模型保留在内存中）</translation>
    </message>
    <message>
        <source>Continue the paused training</source>
        <translation>继续已暂停的训练</translation>
    </message>
    <message>
        <source>Stop after the current step and save a checkpoint (resume it later from its folder)</source>
        <translation>在当前步完成后停止并保存检查点（之后可从其文件夹恢复）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>While paused: run exactly one more optimizer step</source>
        <translation>暂停时：再执行一步优化器更新</translation>
    </message>
    <message>
        <source>Step</source>
        <comment>button</comment>
        <translation>单步</translation>
    </message>
    <message>
        <source>A new peak learning rate, applied from the next step; the schedule keeps its shape</source>
        <translation>新的峰值学习率，从下一步起生效；调度曲线的形状不变</translation>
    </message>
    <message>
        <source>Set LR</source>
        <translation>设置学习率</translation>
    </message>
    <message>
        <source>Change the learning rate while training runs (marked on the charts with a dotted line)</source>
        <translation>在训练过程中修改学习率（在图表上以虚线标出）</translation>
    </message>
    <message>
        <source>Resume run…</source>
        <translation>恢复运行…</translation>
    </message>
    <message>
        <source>Continue a stopped run from its folder (its last checkpoint) on its own schedule, or extend it to more steps</source>
        <translation>从文件夹（其最后一个检查点）按原调度继续一个已停止的运行，或将其延长到更多步</translation>
    </message>
    <message>
        <source>Replay…</source>
        <translation>回放…</translation>
    </message>
    <message>
        <source>LR</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Why training cannot start</source>
        <translation>训练无法开始的原因</translation>
    </message>
    <message>
        <source>Training settings; saved with the workspace</source>
        <translation>训练设置；随工作区保存</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Evaluations, checkpoints, learning-rate changes and messages of the run</source>
        <translation>运行的评估、检查点、学习率变更和消息</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Watch it learn</source>
        <translation>观察学习过程</translation>
    </message>
    <message>
        <source>Batch size {batch_size} does not split evenly between {processes} processes: use a multiple of {processes} (the batch size is the global batch)</source>
        <translation>批大小 {batch_size} 无法在 {processes} 个进程间均分：请使用 {processes} 的倍数（批大小指全局批）</translation>
    </message>
    <message>
        <source>Model tab: {issue}</source>
        <translation>模型页：{issue}</translation>
    </message>
    <message>
        <source>Reading {folder}…</source>
        <translation>正在读取 {folder}…</translation>
    </message>
    <message>
        <source>start from: {message}</source>
        <translation>起始权重：{message}</translation>
    </message>
    <message>
        <source>Cannot start from this folder</source>
        <translation>无法从此文件夹开始</translation>
    </message>
    <message>
        <source>Starts from the weights of {source}: its model ({model}) and its {tokenizer} are used, not the Model and Vocabulary tabs&apos; settings. Block size and dropout are this form&apos;s.</source>
        <translation>从 {source} 的权重开始：使用其模型（{model}）和 {tokenizer}，而不是模型页和词表页的设置。块大小和 dropout 取自本表单。</translation>
    </message>
    <message>
        <source>No run to export yet: train one, or open one from the Playground (Export… there)</source>
        <translation>尚无可导出的运行：请先训练一个，或在演练场中打开一个（在那里使用“导出…”）</translation>
    </message>
    <message>
        <source>{run} saved no checkpoint yet: export it once it has one</source>
        <translation>{run} 尚未保存检查点：有检查点后再导出</translation>
    </message>
    <message>
        <source>Export once training has stopped</source>
        <translation>训练停止后才能导出</translation>
    </message>
    <message>
        <source>Cannot start from these weights</source>
        <translation>无法从这些权重开始</translation>
    </message>
    <message>
        <source>Preparing data and building the model for {run} from the weights of {source}…</source>
        <translation>正在为 {run} 准备数据，并从 {source} 的权重构建模型…</translation>
    </message>
    <message>
        <source>Preparing data and building the model for {run}…</source>
        <translation>正在为 {run} 准备数据并构建模型…</translation>
    </message>
    <message>
        <source>Replay a run from its folder</source>
        <translation>从文件夹回放运行</translation>
    </message>
    <message>
        <source>Cannot replay this run</source>
        <translation>无法回放此运行</translation>
    </message>
    <message>
        <source>Replaying {run} at {speed}× (about {minutes} min; Stop jumps to the end)</source>
        <translation>正在以 {speed}× 速度回放 {run}（约 {minutes} 分钟；点击停止可跳到结尾）</translation>
    </message>
    <message>
        <source>Resume run from its folder</source>
        <translation>从文件夹恢复运行</translation>
    </message>
    <message>
        <source>Cannot resume this run</source>
        <translation>无法恢复此运行</translation>
    </message>
    <message>
        <source>{error}

Choose a run folder.</source>
        <translation>{error}

请选择一个运行文件夹。</translation>
    </message>
    <message>
        <source>{folder}: no usable run here (config.json missing, unreadable or damaged: {error}); choose a run folder</source>
        <translation>{folder}：此处没有可用的运行（config.json 缺失、无法读取或已损坏：{error}）；请选择一个运行文件夹</translation>
    </message>
    <message>
        <source>Resuming {run}, extended to {steps} steps…</source>
        <translation>正在恢复 {run}，延长到 {steps} 步…</translation>
    </message>
    <message>
        <source>Resuming {run} on its own {steps}-step schedule…</source>
        <translation>正在按原有的 {steps} 步调度恢复 {run}…</translation>
    </message>
    <message>
        <source>preparing…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>已继续</translation>
    </message>
    <message>
        <source>stopping: saving a checkpoint…</source>
        <translation>正在停止：保存检查点…</translation>
    </message>
    <message>
        <source>step {step}: train {train_loss} · val {val_loss} · ppl {perplexity} · {bpc} bits/char</source>
        <translation>第 {step} 步：训练 {train_loss} · 验证 {val_loss} · 困惑度 {perplexity} · 每字符 {bpc} 比特</translation>
    </message>
    <message>
        <source>  (best)</source>
        <translation>  （最佳）</translation>
    </message>
    <message>
        <source>BLEU by sacreBLEU, signature {signature}</source>
        <translation>BLEU 由 sacreBLEU 计算，签名 {signature}</translation>
    </message>
    <message>
        <source>latest</source>
        <translation>最新</translation>
    </message>
    <message>
        <source> · exact match {percent}%</source>
        <translation> · 完全匹配 {percent}%</translation>
    </message>
    <message>
        <source>step {step}: BLEU {bleu} · chrF {chrf}{exact} ({pairs} validation pairs)</source>
        <translation>第 {step} 步：BLEU {bleu} · chrF {chrf}{exact}（{pairs} 个验证句对）</translation>
    </message>
    <message>
        <source>step {step}: BLEU {bleu} · chrF {chrf}{exact} ({pairs} validation pair)</source>
        <translation>第 {step} 步：BLEU {bleu} · chrF {chrf}{exact}（{pairs} 个验证句对）</translation>
    </message>
    <message>
        <source>checkpoint at step {step} (best): {path}</source>
        <translation>第 {step} 步的检查点（最佳）：{path}</translation>
    </message>
    <message>
        <source>checkpoint at step {step}: {path}</source>
        <translation>第 {step} 步的检查点：{path}</translation>
    </message>
    <message>
        <source>before resuming</source>
        <translation>恢复之前</translation>
    </message>
    <message>
        <source>device {device}, {threads} threads</source>
        <translation>设备 {device}，{threads} 个线程</translation>
    </message>
    <message>
        <source>device {device}, {threads} thread</source>
        <translation>设备 {device}，{threads} 个线程</translation>
    </message>
    <message>
        <source>rank {rank}: {device}</source>
        <translation>rank {rank}：{device}</translation>
    </message>
    <message>
        <source>{processes} processes ({ranks})</source>
        <translation>{processes} 个进程（{ranks}）</translation>
    </message>
    <message>
        <source>

Training in {processes} processes (DistributedDataParallel under torchrun), one global batch split between them:
</source>
        <translation>

在 {processes} 个进程中训练（torchrun 下的 DistributedDataParallel），一个全局批在它们之间拆分：
</translation>
    </message>
    <message>
        <source>run folder {folder}: {parameters} parameters, vocabulary {vocab_size}, {train_tokens} train tokens, {where}; unigram entropy {entropy} nats</source>
        <translation>运行文件夹 {folder}：{parameters} 个参数，词表 {vocab_size}，训练集 {train_tokens} 个词元，{where}；一元熵 {entropy} 奈特</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>估算中…</translation>
    </message>
    <message>
        <source>  ·  paused</source>
        <translation>  ·  已暂停</translation>
    </message>
    <message>
        <source>  ·  {spent} of {budget}</source>
        <translation>  ·  {spent} / {budget}</translation>
    </message>
    <message>
        <source> in {processes} processes</source>
        <translation>（{processes} 个进程）</translation>
    </message>
    <message>
        <source>step {step} / {total}{spent}  ·  {speed} tokens/s{ranks}  ·  ETA {eta}{paused}</source>
        <translation>第 {step} / {total} 步{spent}  ·  {speed} 词元/秒{ranks}  ·  剩余 {eta}{paused}</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <source>{status} at step {step}</source>
        <translation>{status}，于第 {step} 步</translation>
    </message>
    <message>
        <source> ({share} of its tokens verbatim)</source>
        <translation>（{share} 的词元逐字重复）</translation>
    </message>
    <message>
        <source>Sample at step {step} ({how}){memorized}</source>
        <translation>第 {step} 步的样本（{how}）{memorized}</translation>
    </message>
    <message>
        <source>“{snippet}”: training text</source>
        <translation>“{snippet}”：训练文本</translation>
    </message>
    <message>
        <source>“{snippet}”: validation text</source>
        <translation>“{snippet}”：验证文本</translation>
    </message>
    <message>
        <source>, corpus line {line}</source>
        <translation>，语料第 {line} 行</translation>
    </message>
    <message>
        <source>

Repeated verbatim from the corpus:
</source>
        <translation>

逐字重复自语料：
</translation>
    </message>
    <message>
        <source>Repeats the training text, corpus line {line}</source>
        <translation>重复训练文本，语料第 {line} 行</translation>
    </message>
    <message>
        <source>Repeats the validation text, corpus line {line}</source>
        <translation>重复验证文本，语料第 {line} 行</translation>
    </message>
    <message>
        <source>clicked on the chart</source>
        <translation>在图表上点击</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参考译文</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Translations</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Translations at step {step} ({how}): {exact} of {total} exact</source>
        <translation>第 {step} 步的翻译（{how}）：{total} 条中 {exact} 条完全正确</translation>
    </message>
    <message>
        <source>(equal to the reference)</source>
        <translation>（与参考译文相同）</translation>
    </message>
    <message>
        <source>(differs from the reference)</source>
        <translation>（与参考译文不同）</translation>
    </message>
    <message>
        <source>closing: stopping and saving a checkpoint…</source>
        <translation>正在关闭：停止并保存检查点…</translation>
    </message>
    <message>
        <source>One token per character: tiny vocabulary, long sequences, never unknown on its own text</source>
        <translation>每个字符一个词元：词表极小、序列很长，在自身文本上不会出现未知词元</translation>
    </message>
    <message>
        <source>One token per word or punctuation mark: short sequences, but unseen words become &lt;unk&gt;</source>
        <translation>每个词或标点一个词元：序列较短，但未见过的词会变成 &lt;unk&gt;</translation>
    </message>
    <message>
        <source>SentencePiece byte-pair encoding: merges frequent pairs into sub-words; unknown text falls back to bytes</source>
        <translation>SentencePiece 字节对编码：把高频字符对合并为子词；未知文本回退为字节</translation>
    </message>
    <message>
        <source>Unigram</source>
        <translation>Unigram</translation>
    </message>
    <message>
        <source>SentencePiece unigram: a sub-word vocabulary pruned from a large candidate set by likelihood</source>
        <translation>SentencePiece unigram：按似然从大量候选中剪枝得到的子词词表</translation>
    </message>
    <message>
        <source>Byte fallback</source>
        <translation>字节回退</translation>
    </message>
    <message>
        <source>One vocabulary for both sides</source>
        <translation>两侧共用一个词表</translation>
    </message>
    <message>
        <source>Translation: training builds its tokenizer (or one per side) from both sides of the training pairs with these settings; this tab trains on the source side, to look at it.</source>
        <translation>翻译：训练时会用这些设置，基于训练句对的两侧构建分词器（或每侧各一个）；本页只在源侧上训练，供查看。</translation>
    </message>
    <message>
        <source>What a translation run&apos;s tokenizers are trained on</source>
        <translation>翻译运行的分词器基于哪些数据训练</translation>
    </message>
    <message>
        <source>The Train tab&apos;s Start from is set: a run started from trained weights uses their tokenizer</source>
        <translation>已设置“训练”页的“起始于”：从已训练权重开始的运行会使用其自带的分词器</translation>
    </message>
    <message>
        <source>Train vocabulary</source>
        <translation>训练词表</translation>
    </message>
    <message>
        <source>Split the corpus and train this tokenizer on the train split (Ctrl+Return)</source>
        <translation>划分语料，并在训练集上训练此分词器（Ctrl+Return）</translation>
    </message>
    <message>
        <source>training the tokenizer</source>
        <translation>正在训练分词器</translation>
    </message>
    <message>
        <source>No vocabulary yet: choose a kind and press Train.</source>
        <translation>尚无词表：请选择类型并点击“训练”。</translation>
    </message>
    <message>
        <source>What was trained, on what, and how long it took</source>
        <translation>训练了什么、基于哪些数据、耗时多久</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>What kind of vocabulary to build and how large</source>
        <translation>要构建哪种词表、多大规模</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Vocabulary size</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>Min. word frequency</source>
        <translation>最小词频</translation>
    </message>
    <message>
        <source>Character coverage</source>
        <translation>字符覆盖率</translation>
    </message>
    <message>
        <source>What the chosen kind of tokenizer does</source>
        <translation>所选类型的分词器如何工作</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Measured on the splits of the current corpus</source>
        <translation>在当前语料的各划分上测得</translation>
    </message>
    <message>
        <source>Pieces</source>
        <translation>片段数</translation>
    </message>
    <message>
        <source>Entries in the vocabulary, special tokens included</source>
        <translation>词表中的条目数，含特殊词元</translation>
    </message>
    <message>
        <source>Chars per token</source>
        <translation>每词元字符数</translation>
    </message>
    <message>
        <source>Characters of the train split divided by its tokens: higher means shorter sequences</source>
        <translation>训练集字符数除以其词元数：越高表示序列越短</translation>
    </message>
    <message>
        <source>Unknown rate</source>
        <translation>未知率</translation>
    </message>
    <message>
        <source>Share of validation tokens that are &lt;unk&gt;: text the vocabulary cannot spell</source>
        <translation>验证集中 &lt;unk&gt; 词元的占比：词表无法拼出的文本</translation>
    </message>
    <message>
        <source>Byte tokens</source>
        <translation>字节词元</translation>
    </message>
    <message>
        <source>Share of train tokens spelled as single bytes (byte fallback)</source>
        <translation>训练集中以单个字节表示的词元占比（字节回退）</translation>
    </message>
    <message>
        <source>Train tokens</source>
        <translation>训练词元数</translation>
    </message>
    <message>
        <source>Tokens in the train split: what one epoch of training reads</source>
        <translation>训练集中的词元数：训练一轮读取的量</translation>
    </message>
    <message>
        <source>Unused pieces</source>
        <translation>未使用片段</translation>
    </message>
    <message>
        <source>Pieces that never occur in the train split</source>
        <translation>在训练集中从未出现的片段</translation>
    </message>
    <message>
        <source>Segmentation</source>
        <translation>分词</translation>
    </message>
    <message>
        <source>Piece lengths</source>
        <translation>片段长度</translation>
    </message>
    <message>
        <source>characters per piece</source>
        <translation>每片段字符数</translation>
    </message>
    <message>
        <source>pieces</source>
        <translation>片段数</translation>
    </message>
    <message>
        <source>How many vocabulary pieces have each length</source>
        <translation>各长度的词表片段数量</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>top-n pieces (log scale)</source>
        <translation>前 n 个片段（对数刻度）</translation>
    </message>
    <message>
        <source>% of train tokens</source>
        <translation>占训练词元的 %</translation>
    </message>
    <message>
        <source>Share of the train split&apos;s tokens covered by the n most frequent pieces</source>
        <translation>最常见的 n 个片段覆盖的训练集词元占比</translation>
    </message>
    <message>
        <source>Explore</source>
        <translation>浏览</translation>
    </message>
    <message>
        <source>The current vocabulary: its pieces, how it splits text and its statistics</source>
        <translation>当前词表：其片段、分词方式与统计</translation>
    </message>
    <message>
        <source>Two trained tokenizers side by side on the same text</source>
        <translation>两个已训练的分词器在同一文本上并排对比</translation>
    </message>
    <message>
        <source>Train the vocabulary (Vocabulary tab)</source>
        <translation>训练词表（“词表”页）</translation>
    </message>
    <message>
        <source>Start from is set (Train tab): the {tokenizer} of {source} fixes the vocabulary of the run, so the settings here are not used for it. Clear Start from to train with this tab&apos;s vocabulary.</source>
        <translation>已设置“起始于”（“训练”页）：{source} 的{tokenizer}决定了该运行的词表，因此这里的设置不会用于它。清除“起始于”即可使用本页的词表训练。</translation>
    </message>
    <message>
        <source>Load a corpus on the Data tab first.</source>
        <translation>请先在“数据”页加载语料。</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>正在准备…</translation>
    </message>
    <message>
        <source>Training cancelled; the previous vocabulary is kept.</source>
        <translation>训练已取消；保留之前的词表。</translation>
    </message>
    <message>
        <source>Training the tokenizer failed: {error}</source>
        <translation>训练分词器失败：{error}</translation>
    </message>
    <message>
        <source>#{number} {kind} · {pieces} pieces · {corpus}</source>
        <translation>#{number} {kind} · {pieces} 个片段 · {corpus}</translation>
    </message>
    <message>
        <source>Trained a {kind} vocabulary of {pieces} pieces on the train split of {corpus} ({chars} chars) in {seconds} s.</source>
        <translation>已在 {corpus} 的训练集（{chars} 字符）上训练出含 {pieces} 个片段的{kind}词表，用时 {seconds} 秒。</translation>
    </message>
    <message>
        <source>Share of val tokens that are &lt;unk&gt;</source>
        <translation>验证集中 &lt;unk&gt; 词元的占比</translation>
    </message>
    <message>
        <source>Share of train tokens that are &lt;unk&gt;</source>
        <translation>训练集中 &lt;unk&gt; 词元的占比</translation>
    </message>
    <message>
        <source>The corpus, cleaning or split changed since this vocabulary was trained; train again to update it.</source>
        <translation>自训练此词表以来，语料、清洗或划分已更改；请重新训练以更新。</translation>
    </message>
    <message>
        <source>The text both tokenizers split</source>
        <translation>两个分词器要切分的文本</translation>
    </message>
    <message>
        <source>Random sample</source>
        <translation>随机样本</translation>
    </message>
    <message>
        <source>Replace the text with a few random lines of the corpus</source>
        <translation>用语料中随机的几行替换文本</translation>
    </message>
    <message>
        <source>Train two vocabularies (for example char and BPE) to compare them here.</source>
        <translation>训练两个词表（例如 char 和 BPE），即可在此比较。</translation>
    </message>
    <message>
        <source>How the two token counts compare on this text</source>
        <translation>两者在此文本上的词元数比较</translation>
    </message>
    <message>
        <source>Tokenizer {side}: any vocabulary trained in this session</source>
        <translation>分词器 {side}：本会话中训练过的任一词表</translation>
    </message>
    <message>
        <source>A: {a} tokens · B: {b} tokens — A needs {ratio}× the tokens of B for this text.</source>
        <translation>A：{a} 个词元 · B：{b} 个词元 —— 对此文本，A 所需词元数是 B 的 {ratio}×。</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Piece</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Frequency</source>
        <translation>频次</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>The token id the model sees</source>
        <translation>模型看到的词元 ID</translation>
    </message>
    <message>
        <source>The text of the piece: · is a space, ↵ a newline, → a tab; &lt;0x..&gt; are single bytes</source>
        <translation>片段的文本：· 表示空格，↵ 表示换行，→ 表示制表符；&lt;0x..&gt; 为单个字节</translation>
    </message>
    <message>
        <source>How often the piece occurs in the train split</source>
        <translation>该片段在训练集中出现的次数</translation>
    </message>
    <message>
        <source>Characters in the piece</source>
        <translation>片段中的字符数</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>special</source>
        <translation>特殊</translation>
    </message>
    <message>
        <source>byte</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>id {id} · {kind} piece {piece} · {frequency} in train</source>
        <translation>ID {id} · {kind}片段 {piece} · 训练集中出现 {frequency} 次</translation>
    </message>
    <message>
        <source>Search pieces…</source>
        <translation>搜索片段…</translation>
    </message>
    <message>
        <source>Show only pieces containing this text (a space matches ·)</source>
        <translation>只显示包含此文本的片段（空格匹配 ·）</translation>
    </message>
    <message>
        <source>Pieces shown / pieces in the vocabulary</source>
        <translation>显示的片段数 / 词表片段总数</translation>
    </message>
    <message>
        <source>Every piece of the vocabulary; click a header to sort</source>
        <translation>词表中的所有片段；点击表头排序</translation>
    </message>
    <message>
        <source>id {id}  ·  “{piece}”</source>
        <translation>ID {id}  ·  “{piece}”</translation>
    </message>
    <message>
        <source>  ·  frequency {frequency}</source>
        <translation>  ·  频次 {frequency}</translation>
    </message>
    <message>
        <source>Type any text to see how the tokenizer splits it</source>
        <translation>输入任意文本，查看分词器如何切分</translation>
    </message>
    <message>
        <source>Tokens for this text and the average characters per token</source>
        <translation>此文本的词元数及每词元平均字符数</translation>
    </message>
    <message>
        <source>The Data tab&apos;s cleaning is applied to this text before it is split, as it was to the corpus the vocabulary was trained on</source>
        <translation>切分前会对此文本应用“数据”页的清洗，与训练词表所用语料的处理方式相同</translation>
    </message>
    <message>
        <source>Train a vocabulary to see how it splits text.</source>
        <translation>训练一个词表，即可查看它如何切分文本。</translation>
    </message>
    <message>
        <source>Each box is one token; hover a token to see its id and frequency</source>
        <translation>每个方框是一个词元；悬停可查看其 ID 和频次</translation>
    </message>
    <message>
        <source>The same text cut into words by the word segmenter (Data tab ▸ Words; jieba when it is whitespace): compare the words with the pieces the tokenizer learned</source>
        <translation>同一段文本由分词器切成的词（数据 ▸ 词；设为空白时用 jieba）：把这些词与分词器学到的片段对比</translation>
    </message>
    <message>
        <source>Cleaned like the corpus: {cleaning}</source>
        <translation>已按语料方式清洗：{cleaning}</translation>
    </message>
    <message>
        <source>Cannot encode this text: {error}</source>
        <translation>无法编码此文本：{error}</translation>
    </message>
    <message>
        <source>{tokens} tokens · {chars} chars · {per_token} chars/token</source>
        <translation>{tokens} 个词元 · {chars} 个字符 · {per_token} 字符/词元</translation>
    </message>
    <message>
        <source>&lt;b&gt;Words ({segmenter})&lt;/b&gt; · {n} words</source>
        <translation>&lt;b&gt;词（{segmenter}）&lt;/b&gt; · {n} 个词</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tokens ({kind})&lt;/b&gt;</source>
        <translation>&lt;b&gt;词元（{kind}）&lt;/b&gt;</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>What went wrong and how to fix it</source>
        <translation>出了什么问题以及如何解决</translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation>关闭此消息</translation>
    </message>
    <message>
        <source>What {what} is doing now</source>
        <translation>{what}当前正在进行的步骤</translation>
    </message>
    <message>
        <source>Progress of {what}</source>
        <translation>{what}的进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop {what}; nothing already loaded is lost</source>
        <translation>停止{what}；已加载的内容不会丢失</translation>
    </message>
    <message>
        <source>Bahdanau attention (additive)</source>
        <translation>Bahdanau 注意力（加性）</translation>
    </message>
    <message>
        <source>score v·tanh(W_q h_t + W_k m_s)</source>
        <translation>得分 v·tanh(W_q h_t + W_k m_s)</translation>
    </message>
    <message>
        <source>Luong attention (multiplicative)</source>
        <translation>Luong 注意力（乘性）</translation>
    </message>
    <message>
        <source>score h_t·W m_s</source>
        <translation>得分 h_t·W m_s</translation>
    </message>
    <message>
        <source>Invalid settings</source>
        <translation>设置无效</translation>
    </message>
    <message>
        <source>fix the fields marked in red</source>
        <translation>请修正标红的字段</translation>
    </message>
    <message>
        <source>Input tokens</source>
        <translation>输入词元</translation>
    </message>
    <message>
        <source>batch × {block_size} ids</source>
        <translation>批 × {block_size} 个 id</translation>
    </message>
    <message>
        <source>+ learned positions</source>
        <translation>+ 可学习位置编码</translation>
    </message>
    <message>
        <source>rotary positions (in attention)</source>
        <translation>旋转位置编码（在注意力中）</translation>
    </message>
    <message>
        <source>Token embedding</source>
        <translation>词元嵌入</translation>
    </message>
    <message>
        <source>Transformer block {layer}</source>
        <translation>Transformer 块 {layer}</translation>
    </message>
    <message>
        <source>LN → attention {heads} × {head_size} → LN → MLP {mlp}</source>
        <translation>LN → 注意力 {heads} × {head_size} → LN → MLP {mlp}</translation>
    </message>
    <message>
        <source>{cell} layer {layer}</source>
        <translation>{cell} 第 {layer} 层</translation>
    </message>
    <message>
        <source>hidden {size}, state carried to the next token</source>
        <translation>隐藏维度 {size}，状态传递到下一个词元</translation>
    </message>
    <message>
        <source> (tied to the embedding)</source>
        <translation>（与嵌入共享权重）</translation>
    </message>
    <message>
        <source>Output head</source>
        <translation>输出头</translation>
    </message>
    <message>
        <source>Next-token probabilities</source>
        <translation>下一个词元的概率</translation>
    </message>
    <message>
        <source>softmax over {vocab} tokens</source>
        <translation>对 {vocab} 个词元做 softmax</translation>
    </message>
    <message>
        <source>⋮  {count} more identical layers</source>
        <translation>⋮  另有 {count} 个相同的层</translation>
    </message>
    <message>
        <source>linear {inputs} → {outputs}</source>
        <translation>线性层 {inputs} → {outputs}</translation>
    </message>
    <message>
        <source> (tied to the target embedding)</source>
        <translation>（与目标嵌入共享权重）</translation>
    </message>
    <message>
        <source>Source tokens</source>
        <translation>源词元</translation>
    </message>
    <message>
        <source>batch × up to {block_size} ids, ending in EOS</source>
        <translation>批 × 至多 {block_size} 个 id，以 EOS 结尾</translation>
    </message>
    <message>
        <source>Target tokens so far</source>
        <translation>目前的目标词元</translation>
    </message>
    <message>
        <source>BOS + the target, up to {block_size} ids (teacher forcing)</source>
        <translation>BOS + 目标，至多 {block_size} 个 id（teacher forcing）</translation>
    </message>
    <message>
        <source>rotary positions</source>
        <translation>旋转位置编码</translation>
    </message>
    <message>
        <source>the target&apos;s table (shared)</source>
        <translation>目标的嵌入表（共享）</translation>
    </message>
    <message>
        <source>Source embedding</source>
        <translation>源嵌入</translation>
    </message>
    <message>
        <source>Target embedding</source>
        <translation>目标嵌入</translation>
    </message>
    <message>
        <source>Encoder block {layer}</source>
        <translation>编码器块 {layer}</translation>
    </message>
    <message>
        <source>LN → self-attention over the whole source {heads} × {head_size} → LN → {mlp}</source>
        <translation>LN → 对整个源序列的自注意力 {heads} × {head_size} → LN → {mlp}</translation>
    </message>
    <message>
        <source>Decoder block {layer}</source>
        <translation>解码器块 {layer}</translation>
    </message>
    <message>
        <source>LN → masked self-attention → LN → cross-attention {heads} × {head_size} → LN → {mlp}</source>
        <translation>LN → 掩码自注意力 → LN → 交叉注意力 {heads} × {head_size} → LN → {mlp}</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <source>LayerNorm → source length × {size}: the keys and values of every cross-attention</source>
        <translation>LayerNorm → 源长度 × {size}：每个交叉注意力的键和值</translation>
    </message>
    <message>
        <source>cross-attention</source>
        <translation>交叉注意力</translation>
    </message>
    <message>
        <source>reads the source both ways: hidden {size} each, joined</source>
        <translation>双向读取源序列：每个方向隐藏维度 {size}，拼接合并</translation>
    </message>
    <message>
        <source>reads the source left to right, hidden {size}</source>
        <translation>从左到右读取源序列，隐藏维度 {size}</translation>
    </message>
    <message>
        <source>Encoder {cell} layer {layer}</source>
        <translation>编码器 {cell} 第 {layer} 层</translation>
    </message>
    <message>
        <source>Decoder {cell} layer {layer}</source>
        <translation>解码器 {cell} 第 {layer} 层</translation>
    </message>
    <message>
        <source>hidden {size}, starts from encoder layer {layer}&apos;s final states, bridged</source>
        <translation>隐藏维度 {size}，以编码器第 {layer} 层的最终状态（经桥接）为初始状态</translation>
    </message>
    <message>
        <source>hidden {size}, starts from encoder layer {layer}&apos;s final state</source>
        <translation>隐藏维度 {size}，以编码器第 {layer} 层的最终状态为初始状态</translation>
    </message>
    <message>
        <source>final states</source>
        <translation>最终状态</translation>
    </message>
    <message>
        <source>final state</source>
        <translation>最终状态</translation>
    </message>
    <message>
        <source>the encoder&apos;s outputs: source length × {size} (both ways projected to one)</source>
        <translation>编码器的输出：源长度 × {size}（两个方向投影合一）</translation>
    </message>
    <message>
        <source>the encoder&apos;s outputs: source length × {size}</source>
        <translation>编码器的输出：源长度 × {size}</translation>
    </message>
    <message>
        <source>{score} over the source → context c_t; tanh(W_c [h_t; c_t])</source>
        <translation>对源序列计算{score} → 上下文 c_t；tanh(W_c [h_t; c_t])</translation>
    </message>
    <message>
        <source>attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Outputs unused (attention: none)</source>
        <translation>输出未使用（注意力：无）</translation>
    </message>
    <message>
        <source>only the final states reach the decoder</source>
        <translation>只有最终状态传给解码器</translation>
    </message>
    <message>
        <source>softmax over {vocab} target tokens</source>
        <translation>对 {vocab} 个目标词元做 softmax</translation>
    </message>
    <message>
        <source>The architecture drawn from the settings: data flows from top to bottom</source>
        <translation>根据设置绘制的架构：数据自上而下流动</translation>
    </message>
    <message>
        <source>The encoder-decoder drawn from the settings: the encoder (left) reads the source once; the decoder (right) writes the target one token at a time. Green: attention reading the encoder&apos;s memory; dashed: an encoder layer&apos;s final state starting the decoder&apos;s layer</source>
        <translation>根据设置绘制的编码器-解码器：编码器（左）读取一遍源序列；解码器（右）逐个词元写出目标。绿色：读取编码器记忆的注意力；虚线：编码器某层的最终状态作为解码器对应层的初始状态</translation>
    </message>
    <message>
        <source>The token shown below, and where it stands in the text</source>
        <translation>下方显示的词元及其在文本中的位置</translation>
    </message>
    <message>
        <source>Entropy H = −Σ p ln p of the next-token distribution: 0 when the model is sure, ln(vocabulary size) when it has no idea</source>
        <translation>下一个词元分布的熵 H = −Σ p ln p：模型完全确定时为 0，毫无头绪时为 ln(词表大小)</translation>
    </message>
    <message>
        <source>Top alternatives (model probability)</source>
        <translation>最可能的备选项（模型概率）</translation>
    </message>
    <message>
        <source>probability (%)</source>
        <translation>概率（%）</translation>
    </message>
    <message>
        <source>The model&apos;s most likely tokens at this position; the green bar is the token in the text. Click a bar to continue the text with that token instead.</source>
        <translation>模型在此位置最可能的词元；绿色柱为文本中实际的词元。点击某一柱，即改用该词元续写文本。</translation>
    </message>
    <message>
        <source>After temperature, top-k, top-p</source>
        <translation>应用温度、top-k、top-p 之后</translation>
    </message>
    <message>
        <source>Blue: the model&apos;s own distribution (temperature 1). Orange: the distribution actually sampled from with the current temperature, top-k, top-p and repetition penalty</source>
        <translation>蓝色：模型自身的分布（温度 1）。橙色：按当前温度、top-k、top-p 和重复惩罚实际采样所用的分布</translation>
    </message>
    <message>
        <source>The alternatives with their probabilities; choose one and press Continue</source>
        <translation>各备选项及其概率；选择一项后点击“继续”</translation>
    </message>
    <message>
        <source>Continue with this token</source>
        <translation>用此词元继续</translation>
    </message>
    <message>
        <source>Start a new branch: the text up to here, then the chosen alternative, then generation</source>
        <translation>开启一个新分支：保留到此处的文本，接上所选备选项，再继续生成</translation>
    </message>
    <message>
        <source>Temperature: drag to see the sampled distribution sharpen (low) or flatten (high)</source>
        <translation>温度：拖动可看到采样分布变尖锐（低）或变平缓（高）</translation>
    </message>
    <message>
        <source>The temperature the orange bars are computed with</source>
        <translation>计算橙色柱所用的温度</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>id {token_id}: continue the text with “{token}” instead</source>
        <translation>id {token_id}：改用“{token}”续写文本</translation>
    </message>
    <message>
        <source>model (T = 1)</source>
        <translation>模型（T = 1）</translation>
    </message>
    <message>
        <source>sampled from</source>
        <translation>实际采样</translation>
    </message>
    <message>
        <source>Entropy H = {nats} nats ({bits} bits) · after filtering {filtered_nats} nats, {kept} tokens can be drawn</source>
        <translation>熵 H = {nats} 奈特（{bits} 比特）· 过滤后为 {filtered_nats} 奈特，可抽取的词元有 {kept} 个</translation>
    </message>
    <message>
        <source>Watch it learn: at every evaluation the model scores the same passage (Probe passage in the settings; by default the first tokens of the validation split) and predicts the token after the same prompt (Probe prompt). Drag the slider to go back and forth between evaluations.</source>
        <translation>观察学习过程：每次评估时，模型都会为同一段文本评分（设置中的探针文本；默认为验证集的开头词元），并预测同一提示词（探针提示词）之后的词元。拖动滑块可在各次评估之间前后切换。</translation>
    </message>
    <message>
        <source>The probe passage, each token coloured by the probability the model gave it after the tokens before it at this evaluation: red tokens surprised it, green ones it expected. The first token has no context and is shown as plain text. Hover a token for its probability.</source>
        <translation>探针文本，每个词元按本次评估时模型在前文之后赋予它的概率着色：红色词元出乎模型意料，绿色词元在其预料之中。第一个词元没有上下文，以纯文本显示。将鼠标悬停在词元上可查看其概率。</translation>
    </message>
    <message>
        <source>The 10 most likely next tokens after the probe prompt at this evaluation, most likely first: an untrained model spreads its probability evenly; a trained one puts most of it on a few tokens.</source>
        <translation>本次评估时探针提示词之后最可能的 10 个下一词元，按可能性从高到低排列：未训练的模型将概率平均分散；训练过的模型则把大部分概率集中在少数几个词元上。</translation>
    </message>
    <message>
        <source>The evaluation shown: drag to go back and forth in time (arrow keys step one evaluation)</source>
        <translation>当前显示的评估：拖动可在时间上前后移动（方向键每次移动一次评估）</translation>
    </message>
    <message>
        <source>Show each new evaluation as it arrives; moving the slider back turns this off</source>
        <translation>新的评估一到就显示；将滑块往回拖会关闭此项</translation>
    </message>
    <message>
        <source>no evaluation yet</source>
        <translation>尚无评估</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>The passage&apos;s mean probability per token and its loss (mean surprisal, nats per token) at this evaluation</source>
        <translation>本次评估时这段文本每个词元的平均概率及其损失（平均惊异度，每词元奈特数）</translation>
    </message>
    <message>
        <source>The probe passage appears here at the first evaluation.</source>
        <translation>首次评估时，探针文本将显示在这里。</translation>
    </message>
    <message>
        <source>“{token}”: probability {probability} at step {step} (surprisal {bits} bits)</source>
        <translation>“{token}”：第 {step} 步时概率 {probability}（惊异度 {bits} 比特）</translation>
    </message>
    <message>
        <source>mean probability {probability} · loss {loss} nats/token</source>
        <translation>平均概率 {probability} · 损失 {loss} 奈特/词元</translation>
    </message>
    <message>
        <source>Next token after “{prompt}”</source>
        <translation>“{prompt}”之后的下一词元</translation>
    </message>
    <message>
        <source>step {step} · {index} of {count}</source>
        <translation>第 {step} 步 · 第 {index} / {count} 次</translation>
    </message>
    <message>
        <source>Runs folder…</source>
        <translation>运行文件夹…</translation>
    </message>
    <message>
        <source>Overlay runs</source>
        <translation>叠加运行</translation>
    </message>
    <message>
        <source>Draw earlier runs of the runs folder on the same charts (dashed)</source>
        <translation>在同一图表上绘制运行文件夹中之前的运行（虚线）</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>Export the charts as a PNG image</source>
        <translation>将图表导出为 PNG 图像</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>Export the metrics of this run as CSV</source>
        <translation>将此运行的指标导出为 CSV</translation>
    </message>
    <message>
        <source>Where runs are saved: {folder} (click to choose another folder)</source>
        <translation>运行的保存位置：{folder}（点击可选择其他文件夹）</translation>
    </message>
    <message>
        <source>Runs folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>(no earlier runs in {folder})</source>
        <translation>（{folder} 中没有之前的运行）</translation>
    </message>
    <message>
        <source>cannot read {path}: {error}</source>
        <translation>无法读取 {path}：{error}</translation>
    </message>
    <message>
        <source>Export charts</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>导出指标</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>{path}: is a folder; type a file name</source>
        <translation>{path}：这是一个文件夹；请输入文件名</translation>
    </message>
    <message>
        <source>{path}: {error}. Choose another folder or file name.</source>
        <translation>{path}：{error}。请选择其他文件夹或文件名。</translation>
    </message>
    <message>
        <source>{path}: the file could not be written. Choose another folder or file name.</source>
        <translation>{path}：无法写入该文件。请选择其他文件夹或文件名。</translation>
    </message>
    <message>
        <source>exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>top 10</source>
        <translation>前 10</translation>
    </message>
    <message>
        <source>top 100</source>
        <translation>前 100</translation>
    </message>
    <message>
        <source>top 1000</source>
        <translation>前 1000</translation>
    </message>
    <message>
        <source>rest</source>
        <translation>其余</translation>
    </message>
    <message>
        <source>“{text}”  id {id}</source>
        <translation>“{text}”  ID {id}</translation>
    </message>
    <message>
        <source>model probability {probability} (rank {rank})</source>
        <translation>模型概率 {probability}（排名 {rank}）</translation>
    </message>
    <message>
        <source>surprisal {bits} bits</source>
        <translation>惊异度 {bits} 比特</translation>
    </message>
    <message>
        <source>entropy of its distribution {entropy} nats</source>
        <translation>其分布的熵 {entropy} 奈特</translation>
    </message>
    <message>
        <source>drawn with probability {probability} after temperature/top-k/top-p</source>
        <translation>经温度/top-k/top-p 调整后以 {probability} 的概率抽取</translation>
    </message>
    <message>
        <source>Generated text appears here, one chip per token.</source>
        <translation>生成的文本显示在这里，每个词元一个块。</translation>
    </message>
    <message>
        <source>… and {count} more tokens (not drawn)</source>
        <translation>… 另有 {count} 个词元（未绘制）</translation>
    </message>
    <message>
        <source>What the colours of the token chips mean</source>
        <translation>词元块颜色的含义</translation>
    </message>
    <message>
        <source>0 bits</source>
        <translation>0 比特</translation>
    </message>
    <message>
        <source>≥ {bits} bits</source>
        <translation>≥ {bits} 比特</translation>
    </message>
    <message>
        <source>What the chip colours encode</source>
        <translation>词元块颜色所表示的内容</translation>
    </message>
    <message>
        <source>Tokens seen</source>
        <translation>已见词元数</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>nats / token</source>
        <translation>奈特/词元</translation>
    </message>
    <message>
        <source>exp(loss)</source>
        <translation>exp(损失)</translation>
    </message>
    <message>
        <source>Bits per character</source>
        <translation>每字符比特数</translation>
    </message>
    <message>
        <source>bits</source>
        <translation>比特</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>‖g‖ before clipping</source>
        <translation>裁剪前的 ‖g‖</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>tokens / s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <source>score (0-100)</source>
        <translation>得分（0-100）</translation>
    </message>
    <message>
        <source>Exact match</source>
        <translation>完全匹配</translation>
    </message>
    <message>
        <source>% of pairs</source>
        <translation>句对占比（%）</translation>
    </message>
    <message>
        <source>Duplicate lines</source>
        <translation>重复行</translation>
    </message>
    <message>
        <source>Lines that repeat an earlier line exactly: they weigh that text more than the rest</source>
        <translation>与前面某行完全相同的行：它们使这段文本的权重高于其余文本</translation>
    </message>
    <message>
        <source>Near-duplicate lines</source>
        <translation>近似重复行</translation>
    </message>
    <message>
        <source>Lines whose character 5-grams overlap an earlier line&apos;s by 80% or more (MinHash, verified exactly). Dedupe drops exact copies only: edit near-duplicates out of the corpus</source>
        <translation>字符 5-gram 与前面某行重合 80% 或以上的行（MinHash，经精确核验）。去重只删除完全相同的副本：近似重复需要从语料中手动编辑掉</translation>
    </message>
    <message>
        <source>Validation/test lines also in train</source>
        <translation>同样出现在训练集中的验证/测试行</translation>
    </message>
    <message>
        <source>Leakage: the model is scored on lines it trained on, which flatters the validation loss. Dedupe keeps one copy of each line; blocks keep nearby repeats on one side</source>
        <translation>泄漏：模型在训练过的行上被评分，使验证损失显得更好。去重让每行只保留一份；按块划分让相邻的重复留在同一侧</translation>
    </message>
    <message>
        <source>Validation/test lines sharing 50 characters with train</source>
        <translation>与训练集共有 50 个字符的验证/测试行</translation>
    </message>
    <message>
        <source>Leakage: a stretch of 50 characters of the line occurs in the training text. Splitting in blocks of lines keeps neighbouring text on one side</source>
        <translation>泄漏：该行中有一段 50 个字符的文本出现在训练文本中。按行块划分让相邻文本留在同一侧</translation>
    </message>
    <message>
        <source>Lines of another script</source>
        <translation>其他文字的行</translation>
    </message>
    <message>
        <source>Lines whose letters are mostly of another script than the corpus&apos;s main one (another language, or a transliteration): no setting drops them; remove them from the corpus if they do not belong</source>
        <translation>字母大多属于语料主要文字之外的另一种文字的行（另一种语言或音译）：没有设置可以删除它们；如果不属于该语料，请从语料中移除</translation>
    </message>
    <message>
        <source>Markup lines</source>
        <translation>标记行</translation>
    </message>
    <message>
        <source>Lines that are more than half tags, brackets, entities or URLs</source>
        <translation>一半以上是标签、括号、实体或网址的行</translation>
    </message>
    <message>
        <source>Number lines</source>
        <translation>数字行</translation>
    </message>
    <message>
        <source>Lines that are more than half digits (verse or page numbers, tables)</source>
        <translation>一半以上是数字的行（节号或页码、表格）</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Latin</source>
        <translation>拉丁文</translation>
    </message>
    <message>
        <source>Greek</source>
        <translation>希腊文</translation>
    </message>
    <message>
        <source>Cyrillic</source>
        <translation>西里尔文</translation>
    </message>
    <message>
        <source>Armenian</source>
        <translation>亚美尼亚文</translation>
    </message>
    <message>
        <source>Hebrew</source>
        <translation>希伯来文</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>阿拉伯文</translation>
    </message>
    <message>
        <source>Indic</source>
        <translation>印度系文字</translation>
    </message>
    <message>
        <source>Thai</source>
        <translation>泰文</translation>
    </message>
    <message>
        <source>Georgian</source>
        <translation>格鲁吉亚文</translation>
    </message>
    <message>
        <source>Hangul</source>
        <translation>韩文</translation>
    </message>
    <message>
        <source>Kana</source>
        <translation>假名</translation>
    </message>
    <message>
        <source>CJK</source>
        <translation>中日韩汉字</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Data health checks a language-model corpus; for translation the pair statistics show what the cleaning dropped.</source>
        <translation>数据健康检查针对语言模型的语料；翻译任务请查看句对统计，其中显示了清洗删除的内容。</translation>
    </message>
    <message>
        <source>Duplicates, leakage between the splits, script mix and markup in the cleaned corpus and its split</source>
        <translation>清洗后的语料及其划分中的重复、划分之间的泄漏、文字构成和标记</translation>
    </message>
    <message>
        <source>The report is computed when the statistics are ready.</source>
        <translation>统计完成后将计算此报告。</translation>
    </message>
    <message>
        <source>What the data health report found, or why there is none</source>
        <translation>数据健康报告的发现，或没有报告的原因</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Compute the data health report again with the current settings</source>
        <translation>用当前设置重新计算数据健康报告</translation>
    </message>
    <message>
        <source>the data health report</source>
        <translation>数据健康报告</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>发现</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Expand a finding for its examples (line number and split); hover it for what it means</source>
        <translation>展开一项发现可查看示例（行号和所属划分）；悬停可查看其含义</translation>
    </message>
    <message>
        <source>Apply a fix: the statistics and this report are computed again</source>
        <translation>应用修复：统计和此报告将重新计算</translation>
    </message>
    <message>
        <source>Checking the data&apos;s health…</source>
        <translation>正在检查数据健康…</translation>
    </message>
    <message>
        <source>The data health report failed: {message}</source>
        <translation>数据健康报告失败：{message}</translation>
    </message>
    <message>
        <source>Cancelled. Press Check again to compute the report.</source>
        <translation>已取消。按“重新检查”计算报告。</translation>
    </message>
    <message>
        <source>{n} lines checked.</source>
        <translation>已检查 {n} 行。</translation>
    </message>
    <message>
        <source>Validation lines also in train: {n} ({share}).</source>
        <translation>同样出现在训练集中的验证行：{n}（{share}）。</translation>
    </message>
    <message>
        <source>Letters by script: {mix}.</source>
        <translation>按文字划分的字母：{mix}。</translation>
    </message>
    <message>
        <source>On a corpus this large some figures are capped or sampled.</source>
        <translation>语料如此之大，部分数字经过封顶或抽样。</translation>
    </message>
    <message>
        <source>Fix: {fixes}</source>
        <translation>修复：{fixes}</translation>
    </message>
    <message>
        <source>line {line} ({split})</source>
        <translation>第 {line} 行（{split}）</translation>
    </message>
    <message>
        <source>{where}, {count} times: {text}</source>
        <translation>{where}，{count} 次：{text}</translation>
    </message>
    <message>
        <source>{where} ≈ line {other} ({similarity:.0%}): {text}</source>
        <translation>{where} ≈ 第 {other} 行（{similarity:.0%}）：{text}</translation>
    </message>
    <message>
        <source>{where}: {text}</source>
        <translation>{where}：{text}</translation>
    </message>
    <message>
        <source>Drop duplicate lines</source>
        <translation>删除重复行</translation>
    </message>
    <message>
        <source>Split in blocks of lines</source>
        <translation>按行块划分</translation>
    </message>
    <message>
        <source>Drop lines under {n} characters</source>
        <translation>删除少于 {n} 个字符的行</translation>
    </message>
    <message>
        <source>Sets {setting} to {value}; the statistics and this report are computed again</source>
        <translation>将 {setting} 设为 {value}；统计和此报告将重新计算</translation>
    </message>
    <message>
        <source>Corpus BLEU (sacreBLEU, 0-100) of greedy translations of the first validation pairs (Train settings: BLEU pairs), at each evaluation. Word n-grams: a one-word line (the toy tasks) scores 0 until it is exact</source>
        <translation>每次评估时，对验证集前若干句对（训练设置：BLEU 句对）做贪心翻译所得的语料级 BLEU（sacreBLEU，0-100）。按词 n-gram 计算：只有一个词的行（玩具任务）在完全正确之前得分为 0</translation>
    </message>
    <message>
        <source>Corpus chrF (sacreBLEU, 0-100) of the same translations: character n-grams, partial credit for nearly right words</source>
        <translation>同一批翻译的语料级 chrF（sacreBLEU，0-100）：按字符 n-gram 计算，接近正确的词也能得到部分分数</translation>
    </message>
    <message>
        <source>Share of those translations equal to their reference, character for character: the toy tasks&apos; accuracy</source>
        <translation>这些翻译中与参考译文逐字符完全相同的比例：即玩具任务的准确率</translation>
    </message>
    <message>
        <source>Live training curves. Click the loss chart to see the sample written at that step.</source>
        <translation>实时训练曲线。点击损失图可查看该步生成的样本。</translation>
    </message>
    <message>
        <source>Bits per character on the validation split (dots); the line is the smoothed training loss converted with the validation split&apos;s characters per token: an estimate between evaluations</source>
        <translation>验证集上的每字符比特数（圆点）；曲线是平滑后的训练损失按验证集每词元字符数换算所得：两次评估之间的估计值</translation>
    </message>
    <message>
        <source>uniform ln V</source>
        <translation>均匀分布 ln V</translation>
    </message>
    <message>
        <source>unigram entropy</source>
        <translation>一元熵</translation>
    </message>
    <message>
        <source>val rising</source>
        <translation>验证损失上升</translation>
    </message>
    <message>
        <source>What the horizontal axis counts: optimizer steps, tokens seen, training time or epochs</source>
        <translation>横轴的计量方式：优化器步数、已见词元数、训练时间或轮次</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Logarithmic vertical axes: late, small improvements stay visible</source>
        <translation>纵轴使用对数刻度：后期的微小改进依然清晰可见</translation>
    </message>
    <message>
        <source>Smoothing of the training curves: a bias-corrected exponential moving average (0 = raw). The raw curve stays faint behind it.</source>
        <translation>训练曲线的平滑程度：经偏差校正的指数移动平均（0 = 原始值）。原始曲线以淡色保留在其后。</translation>
    </message>
    <message>
        <source>Values under the mouse pointer</source>
        <translation>鼠标指针处的数值</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>X axis</source>
        <translation>横轴</translation>
    </message>
    <message>
        <source>Bits per character: n/a</source>
        <translation>每字符比特数：不可用</translation>
    </message>
    <message>
        <source>Not shown: {reason}; compare this run by loss and perplexity instead</source>
        <translation>未显示：{reason}；请改用损失和困惑度比较此次运行</translation>
    </message>
    <message>
        <source>{tip}.
sacreBLEU signature: {signature}</source>
        <translation>{tip}。
sacreBLEU 签名：{signature}</translation>
    </message>
    <message>
        <source>learning rate set to {lr} at step {step}</source>
        <translation>第 {step} 步时学习率设为 {lr}</translation>
    </message>
    <message>
        <source>(dashed: {runs})</source>
        <translation>（虚线：{runs}）</translation>
    </message>
    <message>
        <source>step {step} · tokens {tokens} · {seconds} s · train loss {loss} · lr {lr} · grad norm {grad_norm} · {tokens_per_sec} tok/s</source>
        <translation>第 {step} 步 · 词元 {tokens} · {seconds} 秒 · 训练损失 {loss} · 学习率 {lr} · 梯度范数 {grad_norm} · {tokens_per_sec} 词元/秒</translation>
    </message>
    <message>
        <source>eval @ {step}: val loss {loss} · ppl {perplexity} · {bpc} bits/char</source>
        <translation>第 {step} 步评估：验证损失 {loss} · 困惑度 {perplexity} · {bpc} 比特/字符</translation>
    </message>
    <message>
        <source>BLEU {bleu} · chrF {chrf} · exact {exact}%</source>
        <translation>BLEU {bleu} · chrF {chrf} · 完全匹配 {exact}%</translation>
    </message>
    <message>
        <source>Start the run from trained weights instead of random ones: a Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer files) or an earlier lmstudio run (its best checkpoint). Their model and tokenizer are used; this form&apos;s settings train them on the workspace&apos;s corpus</source>
        <translation>从已训练的权重而非随机权重开始运行：Hugging Face GPT-2 文件夹（config.json、model.safetensors、分词器文件）或之前的 lmstudio 运行（其最佳检查点）。使用它们的模型和分词器；本表单的设置用于在工作区语料上训练它们</translation>
    </message>
    <message>
        <source>Random weights (the seed)</source>
        <translation>随机权重（由种子决定）</translation>
    </message>
    <message>
        <source>the Hugging Face {model_type} folder {folder}</source>
        <translation>Hugging Face {model_type} 文件夹 {folder}</translation>
    </message>
    <message>
        <source>run {run} (its best checkpoint, step {step})</source>
        <translation>运行 {run}（其最佳检查点，第 {step} 步）</translation>
    </message>
    <message>
        <source>{kind} tokenizer of {size} tokens</source>
        <translation>词表大小为 {size} 的 {kind} 分词器</translation>
    </message>
    <message>
        <source>{arch}, {layers} layer(s) × {width}, {heads} heads, {positions} positions</source>
        <translation>{arch}，{layers} 层 × {width}，{heads} 个注意力头，{positions} 位置编码</translation>
    </message>
    <message>
        <source>{group} settings of the run; saved with the workspace</source>
        <translation>运行的{group}设置；随工作区保存</translation>
    </message>
    <message>
        <source>Auto ({threads})</source>
        <translation>自动（{threads}）</translation>
    </message>
    <message>
        <source>Passes over the train split that these steps make (known once data is prepared)</source>
        <translation>这些步数遍历训练集的轮数（数据准备好后可知）</translation>
    </message>
    <message>
        <source>The steps a time budget allows at the step time measured in the Model tab (Measure step time): the run ends at the budget or at Steps, whichever comes first</source>
        <translation>按模型页测得的每步时间（测量每步时间），时间预算允许的步数：运行在用完预算或达到步数时结束，以先到者为准</translation>
    </message>
    <message>
        <source>Start from</source>
        <translation>起始权重</translation>
    </message>
    <message>
        <source>Choose a Hugging Face GPT-2 folder or an earlier run folder whose weights the run starts from</source>
        <translation>选择一个 Hugging Face GPT-2 文件夹或之前的运行文件夹，运行将从其权重开始</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Start from random weights again (the Model and Vocabulary tabs&apos; settings)</source>
        <translation>重新从随机权重开始（使用模型页和词表页的设置）</translation>
    </message>
    <message>
        <source>What the weights fix: the model and the tokenizer of the run</source>
        <translation>权重所确定的内容：运行的模型和分词器</translation>
    </message>
    <message>
        <source>automatic (see the tooltip)</source>
        <translation>自动（见工具提示）</translation>
    </message>
    <message>
        <source>Measure the step time in the Model tab to see how many steps this allows.</source>
        <translation>在模型页测量每步时间，即可看到该预算允许多少步。</translation>
    </message>
    <message>
        <source>; Steps ({steps}) ends it first</source>
        <translation>；步数（{steps}）先到而结束</translation>
    </message>
    <message>
        <source>; the budget ends it (the learning rate follows the clock)</source>
        <translation>；由预算结束（学习率随时间变化）</translation>
    </message>
    <message>
        <source>≈ {steps} steps at {ms} ms a step (measured){first}</source>
        <translation>≈ {steps} 步，每步 {ms} 毫秒（实测）{first}</translation>
    </message>
    <message>
        <source>≈ {epochs} epochs of {tokens} train tokens</source>
        <translation>≈ {epochs} 轮，训练集共 {tokens} 个词元</translation>
    </message>
    <message>
        <source>SVG vector image (*.svg)</source>
        <translation>SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>Standalone HTML page (*.html)</source>
        <translation>独立 HTML 页面 (*.html)</translation>
    </message>
    <message>
        <source>Logit lens grid</source>
        <translation>逻辑透镜（logit lens）网格</translation>
    </message>
    <message>
        <source>Attention grid (every layer and head)</source>
        <translation>注意力网格（所有层和注意力头）</translation>
    </message>
    <message>
        <source>Heatmap: {title}</source>
        <translation>热力图：{title}</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Token chips</source>
        <translation>词元块</translation>
    </message>
    <message>
        <source>Training charts (all)</source>
        <translation>训练图表（全部）</translation>
    </message>
    <message>
        <source>{file}: the view has no size yet; show it on screen, then export it again</source>
        <translation>{file}：该视图还没有尺寸；请先让它显示在屏幕上，再重新导出</translation>
    </message>
    <message>
        <source>{path}: is a folder; type a file name to export to</source>
        <translation>{path}：这是一个文件夹；请输入要导出到的文件名</translation>
    </message>
    <message>
        <source>{path}: cannot write it ({error}); choose another folder or file name</source>
        <translation>{path}：无法写入（{error}）；请选择其他文件夹或文件名</translation>
    </message>
    <message>
        <source>{file}: the image could not be encoded as PNG; try a smaller scale</source>
        <translation>{file}：图像无法编码为 PNG；请尝试更小的缩放倍数</translation>
    </message>
    <message>
        <source>… and {n} more tokens (not drawn)</source>
        <translation>……还有 {n} 个词元（未绘制）</translation>
    </message>
    <message>
        <source>(no tokens)</source>
        <translation>（无词元）</translation>
    </message>
    <message>
        <source>{view}: cannot be saved as {format}; choose PNG or SVG</source>
        <translation>{view}：不能保存为 {format}；请选择 PNG 或 SVG</translation>
    </message>
    <message>
        <source>Save {view} as {format}</source>
        <translation>将 {view} 保存为 {format}</translation>
    </message>
    <message>
        <source>Cannot export the view</source>
        <translation>无法导出视图</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <source>Save this view as a PNG image at {scale}× its size (presenter scale)</source>
        <translation>将此视图保存为 {scale}× 尺寸的 PNG 图像（演示缩放）</translation>
    </message>
    <message>
        <source>Save as SVG…</source>
        <translation>另存为 SVG…</translation>
    </message>
    <message>
        <source>Save this view as an SVG vector image (sharp at any size, editable)</source>
        <translation>将此视图保存为 SVG 矢量图（任意尺寸都清晰，可编辑）</translation>
    </message>
    <message>
        <source>Save as HTML…</source>
        <translation>另存为 HTML…</translation>
    </message>
    <message>
        <source>Save the tokens as a web page: each token in its colour, its numbers on hover</source>
        <translation>将词元保存为网页：每个词元带有各自的颜色，悬停即可查看其数值</translation>
    </message>
    <message>
        <source>Export view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>The view to export: every chart, token view, grid and map shown in this tab</source>
        <translation>要导出的视图：此标签页中显示的所有图表、词元视图、网格和图</translation>
    </message>
    <message>
        <source>PNG: a picture for slides; SVG: vector graphics, sharp at any size; HTML (token chips): a web page where hovering a token shows its numbers</source>
        <translation>PNG：用于幻灯片的图片；SVG：矢量图形，任意尺寸都清晰；HTML（词元块）：悬停词元即可查看其数值的网页</translation>
    </message>
    <message>
        <source>PNG only: the image&apos;s size, as a multiple of the view&apos;s size on screen (2×: presenter)</source>
        <translation>仅限 PNG：图像尺寸，为视图在屏幕上尺寸的倍数（2×：演示）</translation>
    </message>
    <message>
        <source>What will be exported</source>
        <translation>将要导出的内容</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Close without exporting more</source>
        <translation>关闭，不再导出</translation>
    </message>
    <message>
        <source>Choose a file and export the chosen view to it</source>
        <translation>选择一个文件，将所选视图导出到其中</translation>
    </message>
    <message>
        <source>This tab shows no chart, token view, grid or map to export.</source>
        <translation>此标签页没有可导出的图表、词元视图、网格或图。</translation>
    </message>
    <message>
        <source>{view}: {width} × {height} on screen.</source>
        <translation>{view}：屏幕上为 {width} × {height}。</translation>
    </message>
    <message>
        <source>above {lo}</source>
        <translation>大于 {lo}</translation>
    </message>
    <message>
        <source>{lo} or more</source>
        <translation>{lo} 或以上</translation>
    </message>
    <message>
        <source>below {hi}</source>
        <translation>小于 {hi}</translation>
    </message>
    <message>
        <source>{hi} or less</source>
        <translation>{hi} 或以下</translation>
    </message>
    <message>
        <source>between {lo} and {hi}, both excluded</source>
        <translation>介于 {lo} 与 {hi} 之间（不含两端）</translation>
    </message>
    <message>
        <source>above {lo} up to {hi}</source>
        <translation>大于 {lo}，至多 {hi}</translation>
    </message>
    <message>
        <source>{lo} to below {hi}</source>
        <translation>{lo} 至小于 {hi}</translation>
    </message>
    <message>
        <source>{lo} to {hi}</source>
        <translation>{lo} 至 {hi}</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Settings → final validation loss</source>
        <translation>设置 → 最终验证损失</translation>
    </message>
    <message>
        <source>One vertical axis per swept setting and the final validation loss on the right; one line per run, coloured by its loss (dark = low); the best run is the thick highlighted line</source>
        <translation>每个扫描的设置一条竖轴，最右为最终验证损失；每个运行一条折线，按损失着色（深色 = 低）；最佳运行是加粗高亮的那条</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>knee</source>
        <translation>拐点</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>default {value}</source>
        <translation>默认 {value}</translation>
    </message>
    <message>
        <source>Unicode NFKC normalization: compatibility forms (ligatures, full-width letters) become plain ones</source>
        <translation>Unicode NFKC 规范化：兼容形式（连字、全角字母）转为普通形式</translation>
    </message>
    <message>
        <source>lower-case every line: a smaller vocabulary, but names lose their capitals</source>
        <translation>将每行转为小写：词表更小，但专有名词会失去大写</translation>
    </message>
    <message>
        <source>runs of spaces and tabs become one space; lines are stripped</source>
        <translation>连续的空格和制表符合并为一个空格；去除行首尾空白</translation>
    </message>
    <message>
        <source>remove invisible control characters (tabs are kept)</source>
        <translation>删除不可见的控制字符（保留制表符）</translation>
    </message>
    <message>
        <source>remove the words of a bundled stop-word list (the, of, and ... / 的, 了, 我们 ...), words as data.segmenter cuts them: classic for retrieval, rarely for language models</source>
        <translation>删除内置停用词表中的词（the、of、and…… / 的、了、我们……），词按 data.segmenter 的切分：信息检索的经典做法，语言模型很少用</translation>
    </message>
    <message>
        <source>keep every word</source>
        <translation>保留所有词</translation>
    </message>
    <message>
        <source>drop lines seen before (exact match after the other cleaning)</source>
        <translation>丢弃之前出现过的行（在其他清洗之后精确匹配）</translation>
    </message>
    <message>
        <source>drop lines shorter than this after cleaning; 0 keeps empty lines</source>
        <translation>丢弃清洗后短于此长度的行；0 表示保留空行</translation>
    </message>
    <message>
        <source>characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>drop lines longer than this</source>
        <translation>丢弃长于此长度的行</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>path of a text file or folder; empty means the bundled Tiny Shakespeare</source>
        <translation>文本文件或文件夹的路径；留空则使用内置的 Tiny Shakespeare</translation>
    </message>
    <message>
        <source>how to read the corpus; auto goes by the file&apos;s extension</source>
        <translation>语料的读取方式；auto 按文件扩展名判断</translation>
    </message>
    <message>
        <source>.jsonl: the field holding the text</source>
        <translation>.jsonl：存放文本的字段</translation>
    </message>
    <message>
        <source>.csv/.tsv: the column holding the text (name or 0-based index); empty = the first text column</source>
        <translation>.csv/.tsv：存放文本的列（列名或从 0 开始的索引）；留空 = 第一个文本列</translation>
    </message>
    <message>
        <source>folder: glob patterns of the files to read, recursively, separated by &apos;;&apos;; &apos;!PATTERN&apos; leaves files or subfolders out</source>
        <translation>文件夹：要递归读取的文件的 glob 模式，以 &apos;;&apos; 分隔；&apos;!PATTERN&apos; 排除文件或子文件夹</translation>
    </message>
    <message>
        <source>what to learn: lm (a language model: the next token of the text) or translate (an encoder-decoder: the target side of each pair from its source side; needs a parallel corpus or a toy task)</source>
        <translation>学习什么：lm（语言模型：预测文本的下一个词元）或 translate（编码器-解码器：由每个句对的源端生成目标端；需要平行语料或玩具任务）</translation>
    </message>
    <message>
        <source>translate: swap the two sides, learning source from target (es→en for en→es)</source>
        <translation>translate：交换两端，由目标端学习源端（用 en→es 语料训练 es→en）</translation>
    </message>
    <message>
        <source>translate: pairs generated on the fly instead of the corpus: reverse a string, sort its characters, copy it, or normalise dates to ISO 8601; trains in under a minute on a CPU</source>
        <translation>translate：不读语料，而是即时生成句对：反转字符串、排序其字符、原样复制，或将日期规范为 ISO 8601；在 CPU 上训练不到一分钟</translation>
    </message>
    <message>
        <source>read the corpus</source>
        <translation>读取语料</translation>
    </message>
    <message>
        <source>translate, toy task: how many pairs to generate</source>
        <translation>translate，玩具任务：要生成的句对数</translation>
    </message>
    <message>
        <source>parallel corpus from two line-aligned files: the target-language file</source>
        <translation>由两个逐行对齐的文件组成的平行语料：目标语言文件</translation>
    </message>
    <message>
        <source>parallel TSV: the source-language column (name or index)</source>
        <translation>平行 TSV：源语言列（列名或索引）</translation>
    </message>
    <message>
        <source>parallel TSV: the target-language column (name or index)</source>
        <translation>平行 TSV：目标语言列（列名或索引）</translation>
    </message>
    <message>
        <source>how text is cut into words, for stop words, the word statistics and the word tokenizer: whitespace (words between spaces and punctuation), jieba (Chinese words by the jieba segmenter, precise mode) or chars (each CJK character a word; for Chinese or Japanese without a segmenter)</source>
        <translation>如何把文本切分成词，用于停用词、词统计和词级分词器：whitespace（空格和标点之间的词）、jieba（用 jieba 分词器切分中文词，精确模式）或 chars（每个中日韩字符算一个词；适用于没有分词器的中文或日文）</translation>
    </message>
    <message>
        <source>jieba: a user dictionary file (one word a line, optionally with a frequency and a tag) for names and terms jieba does not know; empty = jieba&apos;s own dictionary only</source>
        <translation>jieba：用户词典文件（每行一个词，可附词频和词性），用于 jieba 不认识的人名和术语；留空 = 只用 jieba 自带词典</translation>
    </message>
    <message>
        <source>train, validation and test shares of the lines; they add up to 1</source>
        <translation>训练集、验证集和测试集各占的行比例；三者之和为 1</translation>
    </message>
    <message>
        <source>lines: each line drawn at random; blocks: contiguous blocks of lines, so validation text is really unseen</source>
        <translation>lines：逐行随机抽取；blocks：按连续的行块划分，使验证集文本真正未被见过</translation>
    </message>
    <message>
        <source>lines per block in blocks mode</source>
        <translation>blocks 模式下每块的行数</translation>
    </message>
    <message>
        <source>seed of the random split: the same seed gives the same split</source>
        <translation>随机划分的种子：相同的种子得到相同的划分</translation>
    </message>
    <message>
        <source>a 64-bit seed</source>
        <translation>64 位种子</translation>
    </message>
    <message>
        <source>share of the training split used (0 &lt; f &lt;= 1): the validation and test splits are unchanged, so runs on 1% ... 100% of the data are scored on the same text</source>
        <translation>使用训练集的比例（0 &lt; f &lt;= 1）：验证集和测试集不变，因此用 1% …… 100% 数据训练的运行都在同一段文本上评分</translation>
    </message>
    <message>
        <source>encoding of the corpus files: auto (UTF-8, else the likeliest legacy encoding) or a codec name such as utf-8, cp1252, latin-1, cp1250</source>
        <translation>语料文件的编码：auto（UTF-8，否则取最可能的旧式编码）或编解码器名称，如 utf-8、cp1252、latin-1、cp1250</translation>
    </message>
    <message>
        <source>how text is cut into tokens: char, word, bpe (SentencePiece byte-pair encoding) or unigram (SentencePiece unigram)</source>
        <translation>文本切分为词元的方式：char、word、bpe（SentencePiece 字节对编码）或 unigram（SentencePiece unigram）</translation>
    </message>
    <message>
        <source>word/bpe/unigram: target vocabulary size (char ignores it)</source>
        <translation>word/bpe/unigram：目标词表大小（char 忽略此项）</translation>
    </message>
    <message>
        <source>word: drop words seen fewer times than this (they become &lt;unk&gt;)</source>
        <translation>word：丢弃出现次数少于此值的词（它们变为 &lt;unk&gt;）</translation>
    </message>
    <message>
        <source>bpe/unigram: share of characters covered by pieces; rarer ones become bytes or &lt;unk&gt;</source>
        <translation>bpe/unigram：由片段覆盖的字符比例；更罕见的字符变为字节或 &lt;unk&gt;</translation>
    </message>
    <message>
        <source>bpe/unigram: spell unknown characters as UTF-8 bytes, so nothing is ever &lt;unk&gt; (lossless)</source>
        <translation>bpe/unigram：将未知字符拆为 UTF-8 字节，因此不会出现 &lt;unk&gt;（无损）</translation>
    </message>
    <message>
        <source>translate: one tokenizer trained on both sides (a joint vocabulary; the encoder and decoder may share embeddings), or one per side (each language its own vocabulary)</source>
        <translation>translate：在两端上训练同一个分词器（联合词表；编码器和解码器可共享嵌入），或每端各一个（每种语言有自己的词表）</translation>
    </message>
    <message>
        <source>the kind of network: rnn, gru, lstm or transformer (a key of the model registry)</source>
        <translation>网络类型：rnn、gru、lstm 或 transformer（模型注册表中的键）</translation>
    </message>
    <message>
        <source>tokens the model predicts over: set from the tokenizer; 0 until then</source>
        <translation>模型预测的词元种数：由分词器设定；在此之前为 0</translation>
    </message>
    <message>
        <source>context length in tokens seen in training: how far back the model can look; usual 32-1024 (translate: the longest source and target, EOS included; longer pairs are left out)</source>
        <translation>训练时的上下文长度（词元数）：模型能向前看多远；常用 32-1024（translate：最长的源和目标长度，含 EOS；更长的句对被舍弃）</translation>
    </message>
    <message>
        <source>stacked layers (Transformer blocks or recurrent layers); more layers learn more abstract features; usual 2-12</source>
        <translation>堆叠的层数（Transformer 块或循环层）；层数越多，学到的特征越抽象；常用 2-12</translation>
    </message>
    <message>
        <source>Transformer: attention heads per block, each looking at its own slice of the width; must divide d_model; usual 2-12</source>
        <translation>Transformer：每个块的注意力头数，每个头关注宽度中属于自己的一段；必须整除 d_model；常用 2-12</translation>
    </message>
    <message>
        <source>width: embedding and hidden size; parameters grow with its square; usual 64-768</source>
        <translation>宽度：嵌入和隐藏层大小；参数量随其平方增长；常用 64-768</translation>
    </message>
    <message>
        <source>probability of zeroing activations in training; regularizes big models on small data; usual 0-0.2</source>
        <translation>训练时将激活置零的概率；在小数据上对大模型起正则化作用；常用 0-0.2</translation>
    </message>
    <message>
        <source>share the input embedding with the output projection: fewer parameters, usually as good</source>
        <translation>输入嵌入与输出投影共享权重：参数更少，效果通常相当</translation>
    </message>
    <message>
        <source>Transformer: how the model knows token order: a learned table (at most block_size positions) or rotary (RoPE) angles; rotary measured better</source>
        <translation>Transformer：模型如何得知词元顺序：学习得到的位置表（至多 block_size 个位置）或旋转（RoPE）角度；实测旋转更好</translation>
    </message>
    <message>
        <source>bias terms in linear layers and LayerNorm; off saves a little and rarely hurts</source>
        <translation>线性层和 LayerNorm 中的偏置项；关闭可略微节省开销，且很少影响效果</translation>
    </message>
    <message>
        <source>Transformer: hidden width of each block&apos;s MLP as a multiple of d_model; usual 4 (3 in the small preset: a faster step, measured better at equal time on a CPU)</source>
        <translation>Transformer：每个块中 MLP 的隐藏宽度，为 d_model 的倍数；常用 4（small 预设中为 3：每步更快，在 CPU 上同等时间下实测更好）</translation>
    </message>
    <message>
        <source>Transformer: the MLP&apos;s nonlinearity: gelu (exact, erf; exports to Hugging Face as is), relu2 (ReLU squared, modded-nanoGPT&apos;s; cheaper on a CPU) or gelu_tanh (GELU&apos;s tanh approximation, GPT-2&apos;s gelu_new: what models imported from Hugging Face use)</source>
        <translation>Transformer：MLP 的非线性激活：gelu（精确的 erf 形式；可原样导出到 Hugging Face）、relu2（ReLU 的平方，来自 modded-nanoGPT；在 CPU 上开销更小）或 gelu_tanh（GELU 的 tanh 近似，即 GPT-2 的 gelu_new：从 Hugging Face 导入的模型使用它）</translation>
    </message>
    <message>
        <source>Transformer: RMS-normalise queries and keys per head before attention (steadier at high learning rates)</source>
        <translation>Transformer：在注意力计算前按头对查询和键做 RMS 归一化（高学习率下更稳定）</translation>
    </message>
    <message>
        <source>encoder-decoder: tokens of the source side, set from its tokenizer; 0: one joint vocabulary (vocab_size)</source>
        <translation>编码器-解码器：源端的词元种数，由其分词器设定；0：使用一个联合词表（vocab_size）</translation>
    </message>
    <message>
        <source>recurrent encoder-decoder: how the decoder looks at the source: bahdanau (additive), luong (multiplicative), or none (the plain encoder-decoder: the source reaches the decoder only through the encoder&apos;s final state)</source>
        <translation>循环编码器-解码器：解码器如何关注源端：bahdanau（加性）、luong（乘性）或 none（普通编码器-解码器：源端信息只通过编码器的最终状态传给解码器）</translation>
    </message>
    <message>
        <source>recurrent encoder-decoder: the encoder reads the source both ways (its two directions concatenated)</source>
        <translation>循环编码器-解码器：编码器双向读取源端（两个方向的结果拼接）</translation>
    </message>
    <message>
        <source>encoder-decoder with one joint vocabulary: the encoder and decoder share one embedding table</source>
        <translation>使用联合词表的编码器-解码器：编码器和解码器共享一张嵌入表</translation>
    </message>
    <message>
        <source>sequences per optimizer micro-step; larger batches give smoother gradients and use more memory; usual 8-128 (24 beat 12 and 48 at equal time on Tiny Shakespeare with Muon: benchmarks/README.md)</source>
        <translation>每个优化器微步的序列数；批越大，梯度越平滑，占用内存也越多；常用 8-128（在 Tiny Shakespeare 上使用 Muon、同等时间下，24 优于 12 和 48：见 benchmarks/README.md）</translation>
    </message>
    <message>
        <source>optimizer steps in all</source>
        <translation>优化器总步数</translation>
    </message>
    <message>
        <source>time budget: end training after this many seconds of training steps (evaluations and saves not counted), with the learning-rate schedule fitted to the time; the run ends at the budget or at `steps`, whichever comes first</source>
        <translation>时间预算：训练步累计达到这么多秒后结束训练（不计评估和保存），学习率调度按该时间安排；运行在达到预算或 `steps` 时结束，以先到者为准</translation>
    </message>
    <message>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>peak learning rate (Muon&apos;s is matched to AdamW&apos;s scale, so one rate serves both); usual 1e-4 to 1e-2 (small models tolerate more; 4e-3 with Muon is the default measured best at equal time on Tiny Shakespeare)</source>
        <translation>峰值学习率（Muon 的学习率已与 AdamW 的尺度对齐，同一个值两者通用）；常用 1e-4 到 1e-2（小模型可承受更高的值；默认的 4e-3 配合 Muon 是在 Tiny Shakespeare 上同等时间下实测最佳）</translation>
    </message>
    <message>
        <source>floor the decay (cosine, linear or wsd&apos;s warm-down) ends at, at most lr; usual lr / 10</source>
        <translation>衰减（cosine、linear 或 wsd 的降温段）最终到达的下限，不超过 lr；常用 lr / 10</translation>
    </message>
    <message>
        <source>how the learning rate evolves after warmup: cosine decay, linear decay, constant, or wsd (constant, then a linear warm-down to min_lr over the last `warmdown` share of the run)</source>
        <translation>预热后学习率的变化方式：余弦衰减、线性衰减、恒定，或 wsd（先恒定，然后在运行的最后 `warmdown` 比例内线性降温到 min_lr）</translation>
    </message>
    <message>
        <source>wsd schedule: the final share of the run (of its steps, or of its time budget) over which the learning rate decays linearly to min_lr</source>
        <translation>wsd 调度：运行末尾的这一比例（按步数或按时间预算计），学习率在其中线性衰减到 min_lr</translation>
    </message>
    <message>
        <source>steps of linear warmup from 0 to lr; usual 1-10 percent of the steps</source>
        <translation>学习率从 0 线性预热到 lr 的步数；常用总步数的 1%-10%</translation>
    </message>
    <message>
        <source>adamw: AdamW for every weight; muon: Muon (orthogonalised momentum, modded-nanoGPT&apos;s optimizer) for the hidden weight matrices and AdamW for embeddings, head, norms and biases, at the same lr</source>
        <translation>adamw：所有权重都用 AdamW；muon：隐藏层权重矩阵用 Muon（正交化动量，modded-nanoGPT 的优化器），嵌入、输出头、归一化层和偏置用 AdamW，二者学习率相同</translation>
    </message>
    <message>
        <source>Muon&apos;s momentum (optimizer muon only); usual 0.9-0.98</source>
        <translation>Muon 的动量（仅用于 muon 优化器）；常用 0.9-0.98</translation>
    </message>
    <message>
        <source>AdamW decoupled weight decay on matrices (not on biases, norms or position embeddings); usual 0-0.1</source>
        <translation>AdamW 对矩阵的解耦权重衰减（不作用于偏置、归一化层和位置嵌入）；常用 0-0.1</translation>
    </message>
    <message>
        <source>AdamW beta1 (e.g. 0.9)</source>
        <translation>AdamW 的 beta1（如 0.9）</translation>
    </message>
    <message>
        <source>AdamW beta2 (e.g. 0.99)</source>
        <translation>AdamW 的 beta2（如 0.99）</translation>
    </message>
    <message>
        <source>clip the global gradient norm to this; usual 1.0</source>
        <translation>将全局梯度范数裁剪到此值；常用 1.0</translation>
    </message>
    <message>
        <source>micro-batches summed per optimizer step: a larger effective batch without more memory; usual 1-8</source>
        <translation>每个优化器步累加的微批数：不增加内存即可获得更大的有效批；常用 1-8</translation>
    </message>
    <message>
        <source>autocast precision: auto (bf16 on a CUDA GPU, else fp32), fp32, bf16 or fp16 (needs a GPU; uses loss scaling)</source>
        <translation>autocast 精度：auto（CUDA GPU 上为 bf16，否则为 fp32）、fp32、bf16 或 fp16（需要 GPU；使用损失缩放）</translation>
    </message>
    <message>
        <source>compute device: auto prefers CUDA, then Apple MPS, then the CPU</source>
        <translation>计算设备：auto 依次优先选择 CUDA、Apple MPS、CPU</translation>
    </message>
    <message>
        <source>CPU threads for torch; automatic leaves one core free: when anything else wants a core, extra torch threads spin-wait and slow every step</source>
        <translation>torch 使用的 CPU 线程数；自动时留出一个核心：其他程序需要核心时，多余的 torch 线程会自旋等待，拖慢每一步</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>processes training together with DistributedDataParallel: 1 trains in one process; N launches torchrun with N processes on this computer (one per GPU; on the CPU each gets a share of the cores). batch_size stays the global batch, split evenly between them, so it must divide by N</source>
        <translation>用 DistributedDataParallel 协同训练的进程数：1 表示单进程训练；N 表示在本机用 torchrun 启动 N 个进程（每个 GPU 一个；在 CPU 上各分得一部分核心）。batch_size 仍是全局批大小，在各进程间均分，因此必须能被 N 整除</translation>
    </message>
    <message>
        <source>torch.compile the model (faster steps after a warm-up of a minute or so): auto compiles where it wins (a CUDA GPU with Triton), not on the CPU or Apple MPS; on or off decide</source>
        <translation>用 torch.compile 编译模型（约一分钟的预热后每步更快）：auto 只在有收益时编译（带 Triton 的 CUDA GPU），在 CPU 或 Apple MPS 上不编译；on 或 off 则直接指定</translation>
    </message>
    <message>
        <source>seed of initialization and batch order: the same seed repeats the same run</source>
        <translation>初始化和批顺序的种子：相同的种子重现相同的运行</translation>
    </message>
    <message>
        <source>evaluate every N steps (and at step 0 and at the end)</source>
        <translation>每 N 步评估一次（第 0 步和结束时也会评估）</translation>
    </message>
    <message>
        <source>batches averaged per evaluation of each split: more is steadier and slower; usual 10-200</source>
        <translation>每次评估时每个数据集平均的批数：越多越稳定，也越慢；常用 10-200</translation>
    </message>
    <message>
        <source>early stopping: evaluations without a better validation loss before stopping</source>
        <translation>早停：验证损失连续多少次评估没有改善后停止</translation>
    </message>
    <message>
        <source>save a checkpoint every N steps (and at the end and on stop)</source>
        <translation>每 N 步保存一次检查点（结束和停止时也会保存）</translation>
    </message>
    <message>
        <source>only at the end</source>
        <translation>仅在结束时</translation>
    </message>
    <message>
        <source>the fixed prompt sampled at every evaluation</source>
        <translation>每次评估时用于采样的固定提示词</translation>
    </message>
    <message>
        <source>tokens written from the fixed prompt at each evaluation: the time-lapse of what the model learns</source>
        <translation>每次评估时从固定提示词生成的词元数：记录模型学习过程的延时摄影</translation>
    </message>
    <message>
        <source>no samples</source>
        <translation>不采样</translation>
    </message>
    <message>
        <source>the passage scored at every evaluation (Watch it learn): each token coloured by the probability the model gives it, evaluation after evaluation; empty: the first tokens of the validation split (at most 64, and at most the block size)</source>
        <translation>每次评估时评分的文本（观察学习过程）：每个词元按模型赋予它的概率着色，逐次评估对比；留空：验证集开头的词元（至多 64 个，且不超过块大小）</translation>
    </message>
    <message>
        <source>the prompt whose next-token probabilities are shown at every evaluation (Watch it learn: the top 10, from uniform to confident); empty: the sample prompt</source>
        <translation>每次评估时显示其下一词元概率的提示词（观察学习过程：前 10 个，从均匀到确信）；留空：使用采样提示词</translation>
    </message>
    <message>
        <source>translate, recurrent encoder-decoder: the share of decoder steps fed the true previous token; below 1 the model&apos;s own guess is fed otherwise (scheduled sampling), closer to how it translates</source>
        <translation>translate，循环编码器-解码器：解码器输入真实前一词元的步数比例；小于 1 时其余步输入模型自己的预测（计划采样），更接近实际翻译时的情形</translation>
    </message>
    <message>
        <source>translate: validation pairs translated (greedy) at each evaluation for BLEU, chrF and the samples table</source>
        <translation>translate：每次评估时（贪心）翻译的验证集句对数，用于 BLEU、chrF 和样本表</translation>
    </message>
    <message>
        <source>write TensorBoard event files to RUN/tensorboard; needs the tensorboard extra</source>
        <translation>将 TensorBoard 事件文件写入 RUN/tensorboard；需要安装 tensorboard 可选依赖</translation>
    </message>
    <message>
        <source>tokens to generate</source>
        <translation>要生成的词元数</translation>
    </message>
    <message>
        <source>sampling temperature: higher is more random</source>
        <translation>采样温度：越高越随机</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>sample among the k most likely tokens</source>
        <translation>在概率最高的 k 个词元中采样</translation>
    </message>
    <message>
        <source>nucleus sampling: keep the smallest set of tokens with this much probability; 1 = off</source>
        <translation>核采样：保留累计概率达到此值的最小词元集合；1 = 关闭</translation>
    </message>
    <message>
        <source>above 1 discourages tokens already in the text; 1 = off</source>
        <translation>大于 1 时抑制文本中已出现的词元；1 = 关闭</translation>
    </message>
    <message>
        <source>seed of the sampler: the same seed gives the same text</source>
        <translation>采样器的种子：相同的种子生成相同的文本</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>stop when the generated text contains this; empty = no stop text</source>
        <translation>生成的文本包含此内容时停止；留空 = 无停止文本</translation>
    </message>
    <message>
        <source>how many top alternatives to report per token</source>
        <translation>每个词元报告多少个最可能的候选</translation>
    </message>
    <message>
        <source>Tang poems (Chinese characters)</source>
        <translation>唐诗（汉字）</translation>
    </message>
    <message>
        <source>A character-level Transformer on the bundled Tang poems: five- and seven-character verse with its punctuation in place after about six minutes on one CPU core (600 steps)</source>
        <translation>在内置唐诗上训练的字符级 Transformer：在单个 CPU 核心上约六分钟（600 步）后就能写出标点齐整的五言、七言诗句</translation>
    </message>
    <message>
        <source>the tokenizer produced &lt;unk&gt;, which hides how many characters it stands for</source>
        <translation>分词器产生了 &lt;unk&gt;，无法得知它代表多少个字符</translation>
    </message>
    <message>
        <source>MFU, model FLOPs utilisation: the share of this machine&apos;s measured matrix-multiply peak that training achieves (the model&apos;s FLOPs per token times tokens per second, over the peak that lmstudio measured once on this device and cached). Blank while unknown</source>
        <translation>MFU，模型 FLOPs 利用率：训练达到的本机实测矩阵乘法峰值的比例（模型每词元 FLOPs 乘以每秒词元数，再除以 lmstudio 在此设备上测得并缓存的峰值）。未知时留空</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>nothing switched off</source>
        <translation>未屏蔽任何部分</translation>
    </message>
    <message>
        <source>layer {n} off</source>
        <translation>已屏蔽第 {n} 层</translation>
    </message>
    <message>
        <source>layers {n} off</source>
        <translation>已屏蔽第 {n} 层</translation>
    </message>
    <message>
        <source>head {n} off</source>
        <translation>已屏蔽注意力头 {n}</translation>
    </message>
    <message>
        <source>heads {n} off</source>
        <translation>已屏蔽注意力头 {n}</translation>
    </message>
    <message>
        <source>No font with Chinese characters is installed, so they would show as boxes: install Noto Sans CJK (on Linux the fonts-noto-cjk package; Windows and macOS include one) and restart lmstudio</source>
        <translation>没有安装含中文字符的字体，中文会显示为方框：请安装 Noto Sans CJK（Linux 上为 fonts-noto-cjk 软件包；Windows 和 macOS 已自带）并重启 lmstudio</translation>
    </message>
</context>
</TS>
