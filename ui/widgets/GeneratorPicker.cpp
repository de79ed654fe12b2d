#include "widgets/GeneratorPicker.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

GeneratorPicker::GeneratorPicker(QWidget *parent)
    : QWidget(parent), m_label(new QLabel),
      m_load(new QPushButton(tr("Load TorchScript generator…"))),
      m_pocket(new QPushButton(tr("Use the pocket model")))
{
    m_load->setObjectName("loadGenerator");
    m_pocket->setObjectName("usePocketModel");
    m_label->setObjectName("generatorLabel");
    m_load->setToolTip(
        tr("A text-to-audio diffusion model saved with torch.jit.save (methods sample_rate, "
           "latent_shape, prediction_type, alphas_cumprod, encode_text, denoise, decode), "
           "or a pocket-model checkpoint such as a run's policy.pt"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Model:")));
    layout->addWidget(m_label, 1);
    layout->addWidget(m_load);
    layout->addWidget(m_pocket);
    connect(m_load, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Load a TorchScript generator"), QString(),
            tr("TorchScript or checkpoint (*.pt *.pth);;All files (*)"));
        if (!file.isEmpty())
            setSpec(file);
    });
    connect(m_pocket, &QPushButton::clicked, this, [this] { setSpec("pocket"); });
    setSpec("pocket");
}

void GeneratorPicker::setSpec(const QString &spec)
{
    const QString next = spec.isEmpty() ? QString("pocket") : spec;
    const bool changed = next != m_spec;
    m_spec = next;
    const bool pocket = m_spec == "pocket";
    // The folder too: every run's fine-tuned model is called policy.pt or best-policy.pt.
    const QFileInfo file(m_spec);
    m_label->setText(pocket ? tr("pocket model (bundled)")
                            : file.dir().dirName() + QLatin1Char('/') + file.fileName());
    m_label->setToolTip(pocket ? QString() : m_spec);
    m_pocket->setEnabled(!pocket);
    if (changed)
        Q_EMIT specChanged(m_spec);
}
